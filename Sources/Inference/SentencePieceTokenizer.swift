/// SentencePiece-style BPE, as Llama 2 and TinyLlama GGUFs describe it (`tokenizer.ggml.model` = llama):
/// spaces become `▁` and one leads the text, neighbouring pieces merge while their union is in the
/// vocabulary (the union with the highest score first), and characters the vocabulary lacks fall back
/// to byte tokens `<0xAB>`.
public final class SentencePieceTokenizer: Sendable {
    let vocabulary: Vocabulary
    /// Token ids by UTF-8 bytes: Swift's `String` equality is canonical equivalence, which would find
    /// the token "é" (U+00E9) for "e" + U+0301, where SentencePiece falls back to bytes.
    private let idOfPiece: [[UInt8]: Int32]
    private let scores: [Float]
    /// What each token stands for when decoded: `▁` as a space, a byte token as its byte.
    private let pieceBytes: [[UInt8]]
    /// `<0x00>`…`<0xFF>` where the vocabulary has them.
    private let byteTokens: [Int32?]
    public let addsBOS: Bool
    /// SentencePiece's "add dummy prefix": a space before the text (and after each special token, as
    /// llama.cpp does), so the first word is spelt as it is mid-sentence.
    public let addsSpacePrefix: Bool

    public var tokens: [String] { vocabulary.tokens }
    public var bosToken: Int32? { vocabulary.bosToken }
    public var eosToken: Int32? { vocabulary.eosToken }

    static let space: Unicode.Scalar = "\u{2581}"

    public init(gguf: GGUFFile) throws(GGUFError) {
        guard gguf.metadata["tokenizer.ggml.model"]?.string == "llama" else {
            throw .invalid(file: gguf.file, what: "tokenizer \(gguf.metadata["tokenizer.ggml.model"]?.string ?? "(none)") is not SentencePiece BPE")
        }
        let vocabulary = try Vocabulary(gguf: gguf)
        self.vocabulary = vocabulary
        var ids: [[UInt8]: Int32] = [:]
        ids.reserveCapacity(vocabulary.tokens.count)
        for (index, token) in vocabulary.tokens.enumerated() where ids[Array(token.utf8)] == nil { ids[Array(token.utf8)] = Int32(index) }
        idOfPiece = ids
        let rawScores = gguf.metadata["tokenizer.ggml.scores"]?.array ?? []
        scores = vocabulary.tokens.indices.map { $0 < rawScores.count ? Float(rawScores[$0].number ?? 0) : 0 }
        var byteTokens = [Int32?](repeating: nil, count: 256)
        pieceBytes = zip(vocabulary.tokens, vocabulary.types).enumerated().map { index, entry in
            let (token, type) = entry
            switch type {
            case .normal:
                return Array(String(String.UnicodeScalarView(token.unicodeScalars.map { $0 == Self.space ? " " : $0 })).utf8)
            case .byte:
                guard let byte = Self.byte(named: token) else { return [] }
                if byteTokens[Int(byte)] == nil { byteTokens[Int(byte)] = Int32(index) }
                return [byte]
            case .unused:
                return []
            case .control, .unknown, .userDefined:
                return Array(token.utf8)
            }
        }
        self.byteTokens = byteTokens
        // llama.cpp's defaults for SentencePiece vocabularies: add BOS, add the dummy prefix.
        addsBOS = Vocabulary.flag("tokenizer.ggml.add_bos_token", in: gguf) ?? true
        addsSpacePrefix = Vocabulary.flag("tokenizer.ggml.add_space_prefix", in: gguf) ?? true
    }

    /// The byte a byte token such as `<0x0A>` stands for.
    static func byte(named token: String) -> UInt8? {
        guard token.utf8.count == 6, token.hasPrefix("<0x"), token.hasSuffix(">") else { return nil }
        return UInt8(token.dropFirst(3).prefix(2), radix: 16)
    }

    /// Token ids for `text`, led by BOS if the model wants one; special tokens written in it are
    /// recognised when `parseSpecial` is set.
    public func encode(_ text: String, parseSpecial: Bool = true) -> [Int32] {
        var ids: [Int32] = addsBOS ? bosToken.map { [$0] } ?? [] : []
        var afterSpecial = true
        for segment in vocabulary.segments(of: text, parseSpecial: parseSpecial) {
            switch segment {
            case .token(let id):
                ids.append(id)
                afterSpecial = true
            case .text(let text):
                let spaced = addsSpacePrefix && afterSpecial ? " " + text : text
                ids += pieces(String(String.UnicodeScalarView(spaced.unicodeScalars.map { $0 == " " ? Self.space : $0 })))
                afterSpecial = false
            }
        }
        return ids
    }

    /// The bytes `ids` stand for (`▁` as a space, special tokens as their text). Join before decoding
    /// UTF-8: a character may span byte tokens.
    public func bytes(of ids: [Int32]) -> [UInt8] {
        var bytes: [UInt8] = []
        for id in ids where id >= 0 && Int(id) < pieceBytes.count { bytes += pieceBytes[Int(id)] }
        return bytes
    }

    /// The text of `ids`, without the BOS `encode` put in front nor the space it put before the first
    /// word (as SentencePiece and Hugging Face decode; llama.cpp keeps that space when it drops a BOS).
    public func decode(_ ids: [Int32]) -> String {
        var ids = ids[...]
        if addsBOS, ids.first != nil, ids.first == bosToken { ids = ids.dropFirst() }
        var bytes = bytes(of: Array(ids))
        if addsSpacePrefix, let first = ids.first, vocabulary.type(of: first) == .normal, bytes.first == 0x20 {
            bytes.removeFirst()
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether generation stops at `token`: the eos, the end-of-turn token, or a control token that
    /// closes a turn in a chat format (`</s>`, `<|end|>`).
    public func isEndOfGeneration(_ token: Int32) -> Bool { vocabulary.endOfGeneration.contains(token) }

    /// One stretch of text between special tokens, spaces already `▁`: characters merged pairwise,
    /// best-scoring union first (the leftmost among equals), then spelt as tokens or bytes.
    func pieces(_ text: String) -> [Int32] {
        let bytes = Array(text.utf8)
        var symbols: [Symbol] = []
        var offset = 0
        for scalar in text.unicodeScalars {
            let length = UTF8.width(scalar)
            symbols.append(Symbol(start: offset, length: length, previous: symbols.count - 1, next: symbols.count + 1))
            offset += length
        }
        guard !symbols.isEmpty else { return [] }
        symbols[symbols.count - 1].next = -1

        // The token of a normal piece: only those take part in merges, as in SentencePiece (llama.cpp
        // also merges into control tokens, which its vocabularies never make reachable).
        func normalToken(_ start: Int, _ length: Int) -> Int32? {
            guard let id = idOfPiece[Array(bytes[start..<start + length])], vocabulary.types[Int(id)] == .normal else { return nil }
            return id
        }
        var queue = BigramQueue()
        func consider(_ left: Int, _ right: Int) {
            guard left >= 0, right >= 0 else { return }
            let length = symbols[left].length + symbols[right].length
            guard let id = normalToken(symbols[left].start, length) else { return }
            queue.push(Bigram(score: scores[Int(id)], left: left, right: right, length: length))
        }
        for index in 1..<symbols.count { consider(index - 1, index) }
        while let bigram = queue.pop() {
            // Symbols only grow, so a bigram whose two sides no longer add up to its length is stale.
            let left = symbols[bigram.left], right = symbols[bigram.right]
            guard left.length > 0, right.length > 0, left.length + right.length == bigram.length else { continue }
            symbols[bigram.left].length = bigram.length
            symbols[bigram.left].next = right.next
            symbols[bigram.right].length = 0
            if right.next >= 0 { symbols[right.next].previous = bigram.left }
            consider(left.previous, bigram.left)
            consider(bigram.left, right.next)
        }

        var ids: [Int32] = []
        var index = 0
        while index >= 0 {
            let symbol = symbols[index]
            if let id = idOfPiece[Array(bytes[symbol.start..<symbol.start + symbol.length])],
               vocabulary.types[Int(id)] == .normal || vocabulary.types[Int(id)] == .userDefined {
                ids.append(id)
            } else {
                let fallback = bytes[symbol.start..<symbol.start + symbol.length].map { byteTokens[Int($0)] }
                if fallback.allSatisfy({ $0 != nil }) {
                    ids += fallback.compactMap { $0 }
                } else if let unknown = vocabulary.unknownToken {
                    ids.append(unknown)
                }
            }
            index = symbol.next
        }
        return ids
    }
}

/// A character or merged piece of the text being tokenized, linked to its live neighbours.
private struct Symbol {
    let start: Int
    /// 0 once merged into the symbol before it.
    var length: Int
    var previous: Int
    var next: Int
}

private struct Bigram {
    let score: Float
    let left: Int
    let right: Int
    let length: Int

    /// Higher score first; among equal scores, the leftmost.
    func precedes(_ other: Bigram) -> Bool {
        score > other.score || (score == other.score && left < other.left)
    }
}

/// A binary max-heap of bigrams by `precedes`.
private struct BigramQueue {
    private var heap: [Bigram] = []

    mutating func push(_ bigram: Bigram) {
        heap.append(bigram)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Bigram? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if heap.isEmpty { return top }
        heap[0] = last
        var parent = 0
        while true {
            var best = parent
            let left = 2 * parent + 1, right = left + 1
            if left < heap.count && heap[left].precedes(heap[best]) { best = left }
            if right < heap.count && heap[right].precedes(heap[best]) { best = right }
            if best == parent { break }
            heap.swapAt(parent, best)
            parent = best
        }
        return top
    }
}

import Synchronization

/// GPT-2-style byte-level BPE, as SmolLM2, Llama 3 and Qwen2 GGUFs describe it (`tokenizer.ggml.model`
/// = gpt2): text → special tokens and pre-tokenizer pieces → bytes as GPT-2 characters → merges by rank.
public final class BPETokenizer: Sendable {
    let vocabulary: Vocabulary
    /// Keyed by `String`, whose equality is canonical equivalence: safe here, as GPT-2's byte alphabet
    /// has no combining marks, so no two tokens are equivalent without being equal.
    private let idOfToken: [String: Int32]
    private let rankOfPair: [String: Int]
    public let preTokenizer: PreTokenizer
    public let addsBOS: Bool
    /// Llama 3 takes a piece that is a token whole before trying merges (its tokenizer.json's
    /// `ignore_merges`); a few of its tokens cannot be reached by merging.
    let ignoresMerges: Bool
    /// Words seen before: most text repeats its words, and merging is the slow part.
    private let cache = Mutex<[String: [Int32]]>([:])

    public var tokens: [String] { vocabulary.tokens }
    public var bosToken: Int32? { vocabulary.bosToken }
    public var eosToken: Int32? { vocabulary.eosToken }

    public init(gguf: GGUFFile) throws(GGUFError) {
        guard gguf.metadata["tokenizer.ggml.model"]?.string == "gpt2" else {
            throw .invalid(file: gguf.file, what: "tokenizer \(gguf.metadata["tokenizer.ggml.model"]?.string ?? "(none)") is not byte-level BPE")
        }
        vocabulary = try Vocabulary(gguf: gguf)
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(vocabulary.tokens.count)
        for (index, token) in vocabulary.tokens.enumerated() where ids[token] == nil { ids[token] = Int32(index) }
        idOfToken = ids
        let merges = gguf.metadata["tokenizer.ggml.merges"]?.array?.compactMap(\.string) ?? []
        var ranks: [String: Int] = [:]
        ranks.reserveCapacity(merges.count)
        for (rank, merge) in merges.enumerated() where ranks[merge] == nil { ranks[merge] = rank }
        rankOfPair = ranks
        preTokenizer = PreTokenizer(ggufName: gguf.metadata["tokenizer.ggml.pre"]?.string)
        ignoresMerges = preTokenizer == .llama3
        // llama.cpp adds Llama 3's BOS unless the file says otherwise, and no other BPE model's.
        addsBOS = Vocabulary.flag("tokenizer.ggml.add_bos_token", in: gguf) ?? (preTokenizer == .llama3)
    }

    /// Token ids for `text`, led by BOS if the model wants one; special tokens written in it are
    /// recognised when `parseSpecial` is set.
    public func encode(_ text: String, parseSpecial: Bool = true) -> [Int32] {
        var ids: [Int32] = addsBOS ? bosToken.map { [$0] } ?? [] : []
        for segment in vocabulary.segments(of: text, parseSpecial: parseSpecial) {
            switch segment {
            case .token(let id): ids.append(id)
            case .text(let text): for piece in preTokenizer.pieces(text) { ids += word(piece) }
            }
        }
        return ids
    }

    /// The bytes `ids` stand for (special tokens as their text). Join before decoding UTF-8: a
    /// character may span tokens.
    public func bytes(of ids: [Int32]) -> [UInt8] {
        var bytes: [UInt8] = []
        for id in ids {
            switch vocabulary.type(of: id) {
            case nil: continue
            case .normal, .byte: bytes += ByteLevel.decode(tokens[Int(id)])
            default: bytes += Array(tokens[Int(id)].utf8)
            }
        }
        return bytes
    }

    /// The text of `ids`, without the BOS `encode` put in front.
    public func decode(_ ids: [Int32]) -> String {
        let dropsBOS = addsBOS && ids.first != nil && ids.first == bosToken
        return String(decoding: bytes(of: dropsBOS ? Array(ids.dropFirst()) : ids), as: UTF8.self)
    }

    /// Whether generation stops at `token`: the eos, the end-of-turn token, or a control token that
    /// closes a turn in a chat format (`<|im_end|>`, `<|eot_id|>`).
    public func isEndOfGeneration(_ token: Int32) -> Bool { vocabulary.endOfGeneration.contains(token) }

    /// One pre-tokenizer piece: its bytes as GPT-2 characters, merged pairwise by rank.
    private func word(_ piece: String) -> [Int32] {
        if let cached = cache.withLock({ $0[piece] }) { return cached }
        let characters = ByteLevel.encode(piece.utf8)
        if ignoresMerges, let whole = idOfToken[characters] { return [whole] }
        var symbols = characters.map(String.init)
        while symbols.count > 1 {
            var best: (rank: Int, index: Int)?
            for index in 0..<symbols.count - 1 {
                if let rank = rankOfPair[symbols[index] + " " + symbols[index + 1]], rank < (best?.rank ?? .max) {
                    best = (rank, index)
                }
            }
            guard let best else { break }
            symbols[best.index] += symbols[best.index + 1]
            symbols.remove(at: best.index + 1)
        }
        // Every single GPT-2 character is in the vocabulary; a missing merge result would be a broken file.
        let ids = symbols.compactMap { idOfToken[$0] }
        cache.withLock { cache in
            if cache.count > 50_000 { cache.removeAll(keepingCapacity: true) }
            cache[piece] = ids
        }
        return ids
    }
}

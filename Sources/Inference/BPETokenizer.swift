import Synchronization

/// GPT-2-style byte-level BPE, as SmolLM2, Llama 3 and Qwen2 GGUFs describe it (`tokenizer.ggml.model`
/// = gpt2): text → special tokens and pre-tokenizer pieces → bytes as GPT-2 characters → merges by rank.
public final class BPETokenizer: Sendable {
    public let tokens: [String]
    private let idOfToken: [String: Int32]
    private let rankOfPair: [String: Int]
    /// Control tokens written literally in text (`<|im_start|>`), longest first so prefixes lose.
    private let specialTokens: [SpecialToken]
    public let preTokenizer: PreTokenizer
    public let bosToken: Int32?
    public let eosToken: Int32?
    public let addsBOS: Bool
    /// Words seen before: most text repeats its words, and merging is the slow part.
    private let cache = Mutex<[String: [Int32]]>([:])

    public init(gguf: GGUFFile) throws(GGUFError) {
        let file = gguf.file
        guard gguf.metadata["tokenizer.ggml.model"]?.string == "gpt2" else {
            throw .invalid(file: file, what: "tokenizer \(gguf.metadata["tokenizer.ggml.model"]?.string ?? "(none)") is not byte-level BPE")
        }
        guard let tokens = gguf.metadata["tokenizer.ggml.tokens"]?.array?.compactMap(\.string), !tokens.isEmpty else {
            throw .invalid(file: file, what: "tokenizer.ggml.tokens is missing")
        }
        let merges = gguf.metadata["tokenizer.ggml.merges"]?.array?.compactMap(\.string) ?? []
        let types = gguf.metadata["tokenizer.ggml.token_type"]?.array?.compactMap(\.integer) ?? []
        self.tokens = tokens
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(tokens.count)
        for (index, token) in tokens.enumerated() where ids[token] == nil { ids[token] = Int32(index) }
        idOfToken = ids
        var ranks: [String: Int] = [:]
        ranks.reserveCapacity(merges.count)
        for (rank, merge) in merges.enumerated() where ranks[merge] == nil { ranks[merge] = rank }
        rankOfPair = ranks
        // Types 3 (control) and 4 (user defined) are matched literally in text.
        specialTokens = types.enumerated().filter { $0.element == 3 || $0.element == 4 }
            .map { SpecialToken(text: tokens[$0.offset], id: Int32($0.offset)) }
            .sorted { $0.text.count > $1.text.count }
        preTokenizer = PreTokenizer(rawValue: gguf.metadata["tokenizer.ggml.pre"]?.string ?? "gpt2") ?? .gpt2
        bosToken = gguf.metadata["tokenizer.ggml.bos_token_id"]?.integer.map(Int32.init)
        eosToken = gguf.metadata["tokenizer.ggml.eos_token_id"]?.integer.map(Int32.init)
        addsBOS = gguf.metadata["tokenizer.ggml.add_bos_token"] == .bool(true)
    }

    /// Token ids for `text`; special tokens written in it are recognised when `parseSpecial` is set.
    public func encode(_ text: String, parseSpecial: Bool = true) -> [Int32] {
        var ids: [Int32] = addsBOS ? bosToken.map { [$0] } ?? [] : []
        for (segment, special) in split(text, parseSpecial: parseSpecial) {
            if let special {
                ids.append(special)
                continue
            }
            for piece in preTokenizer.pieces(segment) { ids += word(piece) }
        }
        return ids
    }

    /// The bytes `ids` stand for (control tokens as their text). Join before decoding UTF-8: a
    /// character may span tokens.
    public func bytes(of ids: [Int32]) -> [UInt8] {
        var bytes: [UInt8] = []
        for id in ids where id >= 0 && Int(id) < tokens.count {
            let token = tokens[Int(id)]
            if specialTokens.contains(where: { $0.id == id }) { bytes += Array(token.utf8) } else { bytes += ByteLevel.decode(token) }
        }
        return bytes
    }

    public func decode(_ ids: [Int32]) -> String {
        String(decoding: bytes(of: ids), as: UTF8.self)
    }

    private func split(_ text: String, parseSpecial: Bool) -> [(String, Int32?)] {
        guard parseSpecial, !specialTokens.isEmpty else { return [(text, nil)] }
        var parts: [(String, Int32?)] = []
        var rest = Substring(text)
        var plain = ""
        while !rest.isEmpty {
            if rest.first == "<", let match = specialTokens.first(where: { rest.hasPrefix($0.text) }) {
                if !plain.isEmpty { parts.append((plain, nil)); plain = "" }
                parts.append((match.text, match.id))
                rest = rest.dropFirst(match.text.count)
            } else {
                plain.append(rest.removeFirst())
            }
        }
        if !plain.isEmpty { parts.append((plain, nil)) }
        return parts
    }

    /// One pre-tokenizer piece: its bytes as GPT-2 characters, merged pairwise by rank.
    private func word(_ piece: String) -> [Int32] {
        if let cached = cache.withLock({ $0[piece] }) { return cached }
        var symbols = ByteLevel.encode(piece.utf8).map(String.init)
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

struct SpecialToken: Sendable {
    let text: String
    let id: Int32
}

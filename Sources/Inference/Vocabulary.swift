/// What a vocabulary entry is, numbered as GGUF's `tokenizer.ggml.token_type` (llama.cpp's values).
public enum TokenType: Int, Sendable {
    case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
}

/// What every GGUF tokenizer shares: the tokens and their types, the special ids, which tokens end a
/// turn, and where special-token text sits in a prompt.
struct Vocabulary: Sendable {
    enum Segment: Equatable {
        case text(String)
        case token(Int32)
    }

    let tokens: [String]
    let types: [TokenType]
    let bosToken: Int32?
    let eosToken: Int32?
    let unknownToken: Int32?
    let endOfGeneration: Set<Int32>
    /// Tokens written literally in text, by their first UTF-8 byte, longest first so prefixes lose.
    private let literalTokens: [[SpecialToken]]

    /// Names of the tokens that close a turn in the chat formats of the models in use, whatever the
    /// file marks as eos: a chat model ends its answer with them, a base model with the eos.
    static let endOfTurnNames: Set<String> = [
        "<|im_end|>", "<|eot_id|>", "<|eom_id|>", "<|endoftext|>", "<|end_of_text|>", "<|end|>", "<end_of_turn>", "</s>",
    ]

    init(gguf: GGUFFile) throws(GGUFError) {
        guard let tokens = gguf.metadata["tokenizer.ggml.tokens"]?.array?.compactMap(\.string), !tokens.isEmpty else {
            throw .invalid(file: gguf.file, what: "tokenizer.ggml.tokens is missing")
        }
        let rawTypes = gguf.metadata["tokenizer.ggml.token_type"]?.array?.map(\.integer) ?? []
        self.tokens = tokens
        types = tokens.indices.map { index in
            index < rawTypes.count ? rawTypes[index].flatMap(TokenType.init(rawValue:)) ?? .normal : .normal
        }
        func id(_ key: String) -> Int32? {
            guard let value = gguf.metadata["tokenizer.ggml.\(key)"]?.integer, value >= 0, value < tokens.count else { return nil }
            return Int32(value)
        }
        bosToken = id("bos_token_id")
        eosToken = id("eos_token_id")
        unknownToken = id("unknown_token_id") ?? types.firstIndex(of: .unknown).map(Int32.init)
        var ends = Set([eosToken, id("eot_token_id"), id("eom_token_id")].compactMap { $0 })
        for (index, token) in tokens.enumerated() where Self.endOfTurnNames.contains(token) {
            if types[index] == .control || types[index] == .userDefined { ends.insert(Int32(index)) }
        }
        endOfGeneration = ends

        var literal = [[SpecialToken]](repeating: [], count: 256)
        for (index, type) in types.enumerated() where type == .control || type == .unknown || type == .userDefined {
            guard let first = tokens[index].utf8.first else { continue }
            literal[Int(first)].append(SpecialToken(bytes: Array(tokens[index].utf8), id: Int32(index), type: type))
        }
        literalTokens = literal.map { $0.sorted { $0.bytes.count > $1.bytes.count } }
    }

    /// A boolean metadata value, nil when absent (or not a boolean).
    static func flag(_ key: String, in gguf: GGUFFile) -> Bool? {
        if case .bool(let value) = gguf.metadata[key] { return value }
        return nil
    }

    func type(of id: Int32) -> TokenType? {
        id >= 0 && Int(id) < types.count ? types[Int(id)] : nil
    }

    /// `text` cut at the special tokens written in it, leftmost and longest first. User-defined tokens
    /// are always recognised, control and unknown ones (`<|im_start|>`, `<s>`) only with
    /// `parseSpecial`, as llama.cpp does. Matching is on UTF-8 bytes, so a combining mark after a
    /// token does not hide it.
    func segments(of text: String, parseSpecial: Bool) -> [Segment] {
        let bytes = Array(text.utf8)
        var segments: [Segment] = []
        var plainStart = 0
        var index = 0
        while index < bytes.count {
            let match = literalTokens[Int(bytes[index])].first { token in
                (parseSpecial || token.type == .userDefined) && index + token.bytes.count <= bytes.count
                    && bytes[index..<index + token.bytes.count].elementsEqual(token.bytes)
            }
            guard let match else {
                index += 1
                continue
            }
            if plainStart < index { segments.append(.text(String(decoding: bytes[plainStart..<index], as: UTF8.self))) }
            segments.append(.token(match.id))
            index += match.bytes.count
            plainStart = index
        }
        if plainStart < bytes.count { segments.append(.text(String(decoding: bytes[plainStart...], as: UTF8.self))) }
        return segments
    }
}

struct SpecialToken: Sendable {
    let bytes: [UInt8]
    let id: Int32
    let type: TokenType
}

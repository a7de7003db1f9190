/// The tokenizer a GGUF describes, chosen by `tokenizer.ggml.model`: `gpt2` is byte-level BPE
/// (SmolLM2, Llama 3, Qwen2), `llama` is SentencePiece BPE (Llama 2, TinyLlama, Phi-3).
public enum Tokenizer: Sendable {
    case byteLevel(BPETokenizer)
    case sentencePiece(SentencePieceTokenizer)

    public init(gguf: GGUFFile) throws(GGUFError) {
        switch gguf.metadata["tokenizer.ggml.model"]?.string {
        case "gpt2":
            self = .byteLevel(try BPETokenizer(gguf: gguf))
        case "llama":
            self = .sentencePiece(try SentencePieceTokenizer(gguf: gguf))
        case let model:
            throw .unsupported(file: gguf.file, what: "tokenizer.ggml.model is \(model.map { "\"\($0)\"" } ?? "missing"); "
                + "mowai reads only gpt2 (byte-level BPE) and llama (SentencePiece) tokenizers — use a llama-family model")
        }
    }

    /// Token ids for `text`, led by BOS if the model wants one; special tokens written in it
    /// (`<|im_start|>`, `<s>`) are recognised when `parseSpecial` is set.
    public func encode(_ text: String, parseSpecial: Bool = true) -> [Int32] {
        switch self {
        case .byteLevel(let tokenizer): tokenizer.encode(text, parseSpecial: parseSpecial)
        case .sentencePiece(let tokenizer): tokenizer.encode(text, parseSpecial: parseSpecial)
        }
    }

    /// The bytes `ids` stand for, special tokens as their text, for streaming: join them before
    /// decoding UTF-8, a character may span tokens.
    public func bytes(of ids: [Int32]) -> [UInt8] {
        switch self {
        case .byteLevel(let tokenizer): tokenizer.bytes(of: ids)
        case .sentencePiece(let tokenizer): tokenizer.bytes(of: ids)
        }
    }

    /// The text of a whole sequence from `encode`: without the BOS it added, nor SentencePiece's
    /// leading space.
    public func decode(_ ids: [Int32]) -> String {
        switch self {
        case .byteLevel(let tokenizer): tokenizer.decode(ids)
        case .sentencePiece(let tokenizer): tokenizer.decode(ids)
        }
    }

    /// Whether generation stops at `token`: the eos, the file's end-of-turn token, or a control
    /// token that closes a turn in a chat format (`<|im_end|>`, `<|eot_id|>`, `</s>`).
    public func isEndOfGeneration(_ token: Int32) -> Bool {
        vocabulary.endOfGeneration.contains(token)
    }

    public var tokens: [String] { vocabulary.tokens }
    public var bosToken: Int32? { vocabulary.bosToken }
    public var eosToken: Int32? { vocabulary.eosToken }

    public var addsBOS: Bool {
        switch self {
        case .byteLevel(let tokenizer): tokenizer.addsBOS
        case .sentencePiece(let tokenizer): tokenizer.addsBOS
        }
    }

    var vocabulary: Vocabulary {
        switch self {
        case .byteLevel(let tokenizer): tokenizer.vocabulary
        case .sentencePiece(let tokenizer): tokenizer.vocabulary
        }
    }
}

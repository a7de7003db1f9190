import Inference

/// A GGUF file as the engine loads it: the header, metadata and tensor directory, the model's shape
/// checked against its tensors, the chat template and the tokenizer, which then encodes and decodes.
enum ModelFileFuzz {
    static func run(_ bytes: [UInt8]) -> [String] {
        guard let mapping = try? MappedFile(copying: bytes, path: "fuzz.gguf"),
              let file = try? GGUFModelFile(mapping: mapping) else { return [] }
        _ = ChatTemplate.detect(in: file.gguf)
        _ = try? LlamaModel(file: file)
        guard let tokenizer = try? Tokenizer(gguf: file.gguf) else { return [] }
        let ids = tokenizer.encode("Hello, world! <|im_start|> 日本語 \u{1F600}")
        _ = tokenizer.decode(ids)
        _ = tokenizer.decode([0, 1, 2, -1, Int32.max, Int32.min])
        return []
    }
}

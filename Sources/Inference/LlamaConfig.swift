/// The shape of a llama-family model, read from GGUF metadata. Qwen2 is llama with biases on the
/// query, key and value projections and the other RoPE layout.
public struct LlamaConfig: Sendable, Equatable {
    public enum Architecture: String, Sendable, CaseIterable {
        case llama, qwen2
    }

    /// Which elements RoPE rotates together. GGUF llama weights are permuted for ggml's "normal" rope
    /// (adjacent pairs); Qwen2 keeps Hugging Face's order, rotating element i with i + d/2 ("neox").
    public enum RopeLayout: Sendable, Equatable {
        case adjacentPairs, halves
    }

    public let architecture: Architecture
    public let layers: Int
    public let dimension: Int
    public let heads: Int
    public let kvHeads: Int
    public let feedForward: Int
    public let vocabulary: Int
    public let contextLength: Int
    public let epsilon: Float
    public let ropeBase: Float
    /// Linear RoPE scaling ("position interpolation"): positions are divided by this; 1 is none.
    public let ropeLinearScale: Float
    public var headDimension: Int { dimension / heads }
    public var kvDimension: Int { kvHeads * headDimension }
    public var ropeLayout: RopeLayout { architecture == .qwen2 ? .halves : .adjacentPairs }
    public var hasAttentionBias: Bool { architecture == .qwen2 }

    init(gguf: GGUFFile) throws(GGUFError) {
        guard let name = gguf.architecture else { throw .invalid(file: gguf.file, what: "general.architecture is missing") }
        guard let architecture = Architecture(rawValue: name) else {
            let known = Architecture.allCases.map(\.rawValue).joined(separator: ", ")
            throw .unsupported(file: gguf.file, what: "architecture \(name) is not supported (mowai runs \(known))")
        }
        self.architecture = architecture
        func integer(_ key: String) throws(GGUFError) -> Int {
            guard let value = gguf.metadata["\(name).\(key)"]?.integer, value > 0 else {
                throw .invalid(file: gguf.file, what: "\(name).\(key) is missing")
            }
            return value
        }
        layers = try integer("block_count")
        dimension = try integer("embedding_length")
        heads = try integer("attention.head_count")
        kvHeads = gguf.metadata["\(name).attention.head_count_kv"]?.integer ?? heads
        feedForward = try integer("feed_forward_length")
        contextLength = try integer("context_length")
        vocabulary = gguf.metadata["tokenizer.ggml.tokens"]?.array?.count ?? 0
        epsilon = Float(gguf.metadata["\(name).attention.layer_norm_rms_epsilon"]?.number ?? 1e-5)
        ropeBase = Float(gguf.metadata["\(name).rope.freq_base"]?.number ?? 10_000)
        switch gguf.metadata["\(name).rope.scaling.type"]?.string ?? "none" {
        case "none":
            ropeLinearScale = 1
        case "linear":
            let factor = gguf.metadata["\(name).rope.scaling.factor"]?.number ?? 1
            guard factor.isFinite, factor > 0 else {
                throw .invalid(file: gguf.file, what: "\(name).rope.scaling.factor is \(factor)")
            }
            ropeLinearScale = Float(factor)
        case let other:
            throw .unsupported(file: gguf.file, what: "RoPE scaling \(other) is not supported (none and linear are)")
        }
        guard vocabulary > 0 else { throw .invalid(file: gguf.file, what: "tokenizer.ggml.tokens (the vocabulary) is missing") }
        guard kvHeads > 0, dimension % heads == 0, heads % kvHeads == 0 else {
            throw .invalid(file: gguf.file, what: "inconsistent shape: \(dimension) dims, \(heads) heads, \(kvHeads) KV heads")
        }
        guard headDimension % 2 == 0, dimension % 32 == 0, feedForward % 32 == 0 else {
            throw .unsupported(file: gguf.file, what: "dimensions \(dimension)/\(feedForward) with head size \(headDimension) are not supported (multiples of 32 are)")
        }
        if let rotated = gguf.metadata["\(name).rope.dimension_count"]?.integer, rotated != headDimension {
            throw .unsupported(file: gguf.file, what: "partial RoPE (\(rotated) of \(headDimension) dimensions) is not supported")
        }
    }
}

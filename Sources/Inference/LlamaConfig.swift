/// The shape of a llama-family model, read from GGUF metadata. Qwen2 is llama with biases on the
/// query, key and value projections and the other RoPE layout; Phi-3 is llama with the query, key and
/// value projections in one tensor, gate and up in another, that RoPE layout too, and LongRoPE scaling.
public struct LlamaConfig: Sendable, Equatable {
    public enum Architecture: String, Sendable, CaseIterable {
        case llama, qwen2, phi3, gemma3
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
    /// LongRoPE (Phi-3): cos and sin are scaled by this (`rope.scaling.attn_factor`, 1 when absent), and
    /// the long frequency factors apply to contexts beyond the original one.
    public let ropeAttentionFactor: Float
    public let ropeOriginalContext: Int?
    /// Phi-3's and Gemma 3's sliding window: a token of such a layer attends to the last this-many
    /// positions only; nil for all.
    public let slidingWindow: Int?
    /// Gemma 3: the RoPE base of its sliding-window layers (`rope.freq_base_swa`, else 10,000).
    public let localRopeBase: Float

    /// Phi-3's layers all use the window; Gemma 3's all but every sixth (llama.cpp's convention: the
    /// pattern is not in the file).
    public func isSlidingWindowLayer(_ layer: Int) -> Bool {
        guard slidingWindow != nil else { return false }
        return architecture == .gemma3 ? (layer + 1) % 6 != 0 : true
    }
    /// A head's width: `attention.key_length`, or the model width over the heads when it is absent.
    public let headDimension: Int
    /// The width of all query heads (and of the attention output): the model width unless the heads are
    /// wider or narrower than its share (Gemma 3: 4 heads of 256 in a 640-wide model).
    public var queryDimension: Int { heads * headDimension }
    public var kvDimension: Int { kvHeads * headDimension }
    public var ropeLayout: RopeLayout { architecture == .llama ? .adjacentPairs : .halves }
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
        ropeAttentionFactor = Float(gguf.metadata["\(name).rope.scaling.attn_factor"]?.number ?? 1)
        ropeOriginalContext = gguf.metadata["\(name).rope.scaling.original_context_length"]?.integer
        slidingWindow = [.phi3, .gemma3].contains(architecture)
            ? gguf.metadata["\(name).attention.sliding_window"]?.integer.flatMap { $0 > 0 ? $0 : nil } : nil
        localRopeBase = Float(gguf.metadata["\(name).rope.freq_base_swa"]?.number ?? 10_000)
        guard ropeAttentionFactor.isFinite, ropeAttentionFactor > 0, ropeAttentionFactor < 100 else {
            throw .invalid(file: gguf.file, what: "\(name).rope.scaling.attn_factor is \(ropeAttentionFactor)")
        }
        switch gguf.metadata["\(name).rope.scaling.type"]?.string ?? "none" {
        case "none":
            ropeLinearScale = 1
        case "longrope" where architecture == .phi3:
            // Its frequency factors are tensors (rope_factors_short/long); positions are not scaled.
            ropeLinearScale = 1
        case "linear":
            let factor = gguf.metadata["\(name).rope.scaling.factor"]?.number ?? 1
            guard factor.isFinite, factor > 0 else {
                throw .invalid(file: gguf.file, what: "\(name).rope.scaling.factor is \(factor)")
            }
            ropeLinearScale = Float(factor)
        case let other:
            throw .unsupported(file: gguf.file, what: "RoPE scaling \(other) is not supported (none and linear are, and longrope for phi3)")
        }
        guard vocabulary > 0 else { throw .invalid(file: gguf.file, what: "tokenizer.ggml.tokens (the vocabulary) is missing") }
        let keyLength = gguf.metadata["\(name).attention.key_length"]?.integer
        guard kvHeads > 0, heads % kvHeads == 0, keyLength != nil || dimension % heads == 0 else {
            throw .invalid(file: gguf.file, what: "inconsistent shape: \(dimension) dims, \(heads) heads, \(kvHeads) KV heads")
        }
        headDimension = keyLength ?? dimension / heads
        if let valueLength = gguf.metadata["\(name).attention.value_length"]?.integer, valueLength != headDimension {
            throw .unsupported(file: gguf.file, what: "value heads of \(valueLength) with key heads of \(headDimension) are not supported (equal widths are)")
        }
        guard headDimension > 0, headDimension <= 1024, headDimension % 2 == 0, dimension % 32 == 0, feedForward % 32 == 0,
              (heads * headDimension) % 32 == 0 else {
            throw .unsupported(file: gguf.file, what: "dimensions \(dimension)/\(feedForward) with head size \(headDimension) are not supported (multiples of 32 are)")
        }
        if let rotated = gguf.metadata["\(name).rope.dimension_count"]?.integer, rotated != headDimension {
            throw .unsupported(file: gguf.file, what: "partial RoPE (\(rotated) of \(headDimension) dimensions) is not supported")
        }
    }
}

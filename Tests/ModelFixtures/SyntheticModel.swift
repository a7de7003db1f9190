import Foundation
import Inference
import Testing

/// A tiny llama-family model with seeded random weights, written as GGUF: for what the default model
/// (llama, tied embeddings) never exercises — Qwen2's biases and RoPE layout, Llama 3.1's frequency
/// factors, Phi-3's fused tensors and LongRoPE, a separate output head, grouped-query attention, F16
/// weights — and for files mowai must refuse.
public struct SyntheticModel: Sendable, CustomTestStringConvertible {
    public var name: String
    public var architecture = "llama"
    public var layers = 2
    public var dimension = 64
    public var heads = 4
    public var kvHeads = 2
    public var feedForward = 128
    public var vocabulary = 100
    public var ropeBase: Float = 10_000
    public var epsilon: Float = 1e-5
    /// The type of the matrices (norms, biases and frequency factors are F32, as in converted models).
    public var weightType: GGMLType = .f32
    public var separateOutput = false
    public var ropeFrequencyFactors = false
    public var seed: UInt64 = 1
    /// Tensors left out of the file, and tensors written with another type (random bytes of its size).
    public var omitted: Set<String> = []
    public var retyped: [String: GGMLType] = [:]

    /// Positions the file declares.
    public var contextLength = 32
    /// Phi-3's LongRoPE: short and long frequency factors, an attention factor, an original context of 16.
    public var longRope = false
    /// Phi-3's sliding window (`attention.sliding_window`), when set.
    public var slidingWindow: Int?
    /// `attention.key_length` (and `value_length`): heads of another width than dimension / heads.
    public var keyLength: Int?

    public init(name: String, architecture: String = "llama", layers: Int = 2, dimension: Int = 64, heads: Int = 4, kvHeads: Int = 2,
                feedForward: Int = 128, vocabulary: Int = 100, ropeBase: Float = 10_000, epsilon: Float = 1e-5,
                weightType: GGMLType = .f32, separateOutput: Bool = false, ropeFrequencyFactors: Bool = false, seed: UInt64 = 1,
                omitted: Set<String> = [], retyped: [String: GGMLType] = [:], contextLength: Int = 32, longRope: Bool = false,
                slidingWindow: Int? = nil, keyLength: Int? = nil) {
        self.name = name
        self.architecture = architecture
        self.layers = layers
        self.dimension = dimension
        self.heads = heads
        self.kvHeads = kvHeads
        self.feedForward = feedForward
        self.vocabulary = vocabulary
        self.ropeBase = ropeBase
        self.epsilon = epsilon
        self.weightType = weightType
        self.separateOutput = separateOutput
        self.ropeFrequencyFactors = ropeFrequencyFactors
        self.seed = seed
        self.omitted = omitted
        self.retyped = retyped
        self.contextLength = contextLength
        self.longRope = longRope
        self.slidingWindow = slidingWindow
        self.keyLength = keyLength
    }

    public var testDescription: String { name }
    public var headDimension: Int { keyLength ?? dimension / heads }
    public var queryDimension: Int { heads * headDimension }

    public struct Tensor: Sendable {
        public enum Values: Sendable { case weights, scales, biases, frequencyFactors }
        public let name: String
        /// ggml's order: columns first.
        public let dimensions: [Int]
        public let type: GGMLType
        public let values: Values
    }

    public var tensors: [Tensor] {
        func matrix(_ name: String, columns: Int, rows: Int) -> Tensor { Tensor(name: name, dimensions: [columns, rows], type: weightType, values: .weights) }
        func vector(_ name: String, _ count: Int, _ values: Tensor.Values) -> Tensor { Tensor(name: name, dimensions: [count], type: .f32, values: values) }
        let kvDimension = kvHeads * headDimension
        var all = [matrix("token_embd.weight", columns: dimension, rows: vocabulary), vector("output_norm.weight", dimension, .scales)]
        if separateOutput { all.append(matrix("output.weight", columns: dimension, rows: vocabulary)) }
        if ropeFrequencyFactors { all.append(vector("rope_freqs.weight", headDimension / 2, .frequencyFactors)) }
        if longRope {
            all += [vector("rope_factors_long.weight", headDimension / 2, .frequencyFactors),
                    vector("rope_factors_short.weight", headDimension / 2, .frequencyFactors)]
        }
        for layer in 0..<layers {
            let prefix = "blk.\(layer)."
            all.append(vector(prefix + "attn_norm.weight", dimension, .scales))
            if architecture == "gemma3" {
                all += [vector(prefix + "attn_q_norm.weight", headDimension, .scales), vector(prefix + "attn_k_norm.weight", headDimension, .scales),
                        vector(prefix + "post_attention_norm.weight", dimension, .scales), vector(prefix + "post_ffw_norm.weight", dimension, .scales)]
            }
            if architecture == "phi3" {
                all.append(matrix(prefix + "attn_qkv.weight", columns: dimension, rows: queryDimension + 2 * kvDimension))
            } else {
                all += [
                    matrix(prefix + "attn_q.weight", columns: dimension, rows: queryDimension),
                    matrix(prefix + "attn_k.weight", columns: dimension, rows: kvDimension),
                    matrix(prefix + "attn_v.weight", columns: dimension, rows: kvDimension),
                ]
            }
            if architecture == "qwen2" {
                all += [vector(prefix + "attn_q.bias", queryDimension, .biases), vector(prefix + "attn_k.bias", kvDimension, .biases),
                        vector(prefix + "attn_v.bias", kvDimension, .biases)]
            }
            all += [
                matrix(prefix + "attn_output.weight", columns: queryDimension, rows: dimension),
                vector(prefix + "ffn_norm.weight", dimension, .scales),
            ]
            all += architecture == "phi3"
                ? [matrix(prefix + "ffn_up.weight", columns: dimension, rows: 2 * feedForward)]
                : [matrix(prefix + "ffn_gate.weight", columns: dimension, rows: feedForward),
                   matrix(prefix + "ffn_up.weight", columns: dimension, rows: feedForward)]
            all.append(matrix(prefix + "ffn_down.weight", columns: feedForward, rows: dimension))
        }
        return all.filter { !omitted.contains($0.name) }.map { tensor in
            retyped[tensor.name].map { Tensor(name: tensor.name, dimensions: tensor.dimensions, type: $0, values: tensor.values) } ?? tensor
        }
    }

    public var metadata: [(key: String, value: GGUFValue)] {
        let a = architecture
        var entries: [(key: String, value: GGUFValue)] = [
            ("general.architecture", .string(a)),
            ("\(a).block_count", .uint(UInt64(layers))),
            ("\(a).context_length", .uint(UInt64(contextLength))),
            ("\(a).embedding_length", .uint(UInt64(dimension))),
            ("\(a).feed_forward_length", .uint(UInt64(feedForward))),
            ("\(a).attention.head_count", .uint(UInt64(heads))),
            ("\(a).attention.head_count_kv", .uint(UInt64(kvHeads))),
            ("\(a).attention.layer_norm_rms_epsilon", .float(Double(epsilon))),
            ("\(a).rope.freq_base", .float(Double(ropeBase))),
            // LlamaConfig takes the vocabulary's size from the token list.
            ("tokenizer.ggml.tokens", .array((0..<vocabulary).map { .string("t\($0)") })),
        ]
        if longRope {
            entries += [("\(a).rope.scaling.attn_factor", .float(1.1902380714238083)), ("\(a).rope.scaling.original_context_length", .uint(16))]
        }
        if let keyLength {
            entries += [("\(a).attention.key_length", .uint(UInt64(keyLength))), ("\(a).attention.value_length", .uint(UInt64(keyLength)))]
        }
        if let slidingWindow { entries.append(("\(a).attention.sliding_window", .uint(UInt64(slidingWindow)))) }
        return entries
    }

    /// The file's bytes; the same seed gives the same bytes.
    public var bytes: [UInt8] {
        var random = SamplingRandom(seed: seed)
        let tensors = self.tensors
        var writer = GGUFWriter()
        writer.bytes += Array("GGUF".utf8)
        writer.u32(3)
        writer.u64(UInt64(tensors.count))
        writer.u64(UInt64(metadata.count))
        for (key, value) in metadata {
            writer.string(key)
            writer.u32(GGUFWriter.typeCode(of: value))
            writer.write(value)
        }
        var data: [UInt8] = []
        for tensor in tensors {
            writer.string(tensor.name)
            writer.u32(UInt32(tensor.dimensions.count))
            for dimension in tensor.dimensions { writer.u64(UInt64(dimension)) }
            writer.u32(tensor.type.rawValue)
            writer.u64(UInt64(data.count))
            data += Self.values(of: tensor, random: &random)
            while data.count % 32 != 0 { data.append(0) }
        }
        while writer.bytes.count % 32 != 0 { writer.bytes.append(0) }
        return writer.bytes + data
    }

    /// Sizes chosen so that every part of the pass matters: unit-scale activations, attention scores of
    /// a few units (so softmax is neither flat nor one-hot), biases comparable to the projections.
    private static func values(of tensor: Tensor, random: inout SamplingRandom) -> [UInt8] {
        let count = tensor.dimensions.reduce(1, *)
        let range: ClosedRange<Float> = switch tensor.values {
        case .weights where tensor.name == "token_embd.weight": -1...1
        case .weights: -(2 / Float(tensor.dimensions[0]).squareRoot())...(2 / Float(tensor.dimensions[0]).squareRoot())
        case .scales: 0.5...1.5
        case .biases: -0.5...0.5
        case .frequencyFactors: 1...8
        }
        var bytes: [UInt8] = []
        switch tensor.type {
        case .f32:
            for _ in 0..<count { withUnsafeBytes(of: Float.random(in: range, using: &random).bitPattern.littleEndian) { bytes += $0 } }
        case .f16:
            for _ in 0..<count { withUnsafeBytes(of: Float16(Float.random(in: range, using: &random)).bitPattern.littleEndian) { bytes += $0 } }
        default:
            bytes = (0..<count / tensor.type.blockSize * tensor.type.bytesPerBlock).map { _ in UInt8.random(in: 0...255, using: &random) }
        }
        return bytes
    }

    /// Runs `body` with the model written to a temporary file.
    public func withFile<T>(_ body: (String) throws -> T) throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mowai-synthetic-\(UUID().uuidString).gguf").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }
}

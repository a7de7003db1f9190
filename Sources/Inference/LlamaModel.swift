import CInferenceKernels
import Synchronization
/// A llama-family model's weights, used in place from the mapped GGUF file. Immutable after init (the
/// raw pointers point into the read-only mapping it keeps alive), hence safe to share.
public final class LlamaModel: @unchecked Sendable {
    public let file: GGUFModelFile
    public let config: LlamaConfig
    let embedding: WeightMatrix
    let output: WeightMatrix
    let outputNorm: WeightVector
    /// Llama 3.1+ divides some RoPE frequencies by these factors (`rope_freqs.weight`); nil elsewhere.
    let ropeFrequencyFactors: WeightVector?
    /// Phi-3's LongRoPE factors, for contexts up to the original length and beyond it.
    let ropeFactorsShort, ropeFactorsLong: WeightVector?
    let blocks: [Block]
    /// The layers' matrices packed for the CPU kernels, by name: made by the first CPU backend, shared by
    /// the rest (nil until then).
    private let packedMatrices = Mutex<[String: PackedWeights]?>(nil)

    struct Block: @unchecked Sendable {
        let attentionNorm: WeightVector
        let query, key, value, attentionOutput: WeightMatrix
        let queryBias, keyBias, valueBias: WeightVector?
        let feedForwardNorm: WeightVector
        let gate, up, down: WeightMatrix
        /// Gemma 3: per-head norms of the query and key, and norms of the attention's and the
        /// feed-forward's outputs.
        let queryNorm, keyNorm: WeightVector?
        let postAttentionNorm, postFeedForwardNorm: WeightVector?
    }

    public init(file: GGUFModelFile) throws(GGUFError) {
        self.file = file
        let gguf = file.gguf
        let c = try LlamaConfig(gguf: gguf)
        config = c
        func tensor(_ name: String, _ dimensions: [Int]) throws(GGUFError) -> GGUFFile.Tensor {
            guard let tensor = gguf.tensor(named: name) else { throw .invalid(file: gguf.file, what: "tensor \(name) is missing") }
            guard tensor.dimensions == dimensions else {
                throw .invalid(file: gguf.file, what: "tensor \(name) is \(tensor.dimensions), expected \(dimensions)")
            }
            guard GGMLType.supported.contains(tensor.type) else {
                throw .unsupported(file: gguf.file, what: "tensor \(name) has type \(tensor.type), which mowai cannot compute with "
                    + "(it runs \(GGMLType.supported.map(\.description).sorted().joined(separator: ", ")))")
            }
            guard tensor.dimensions[0] % tensor.type.blockSize == 0 else {
                throw .invalid(file: gguf.file, what: "tensor \(name) rows are not whole \(tensor.type) blocks")
            }
            return tensor
        }
        func matrix(_ name: String, columns: Int, rows: Int) throws(GGUFError) -> WeightMatrix {
            WeightMatrix(try tensor(name, [columns, rows]), in: file.mapping)
        }
        func vector(_ name: String, _ count: Int) throws(GGUFError) -> WeightVector {
            let found = try tensor(name, [count])
            guard found.type == .f32 else { throw .invalid(file: gguf.file, what: "tensor \(name) is \(found.type), expected F32") }
            // Read as Floats in place: they must lie on a 4-byte boundary (any GGUF alignment ≥ 4 ensures it).
            guard found.offset % MemoryLayout<Float>.alignment == 0 else {
                throw .unsupported(file: gguf.file, what: "tensor \(name) is not 4-byte aligned (general.alignment below 4)")
            }
            return WeightVector(name: name, pointer: UnsafePointer((file.mapping.bytes.baseAddress! + found.offset).assumingMemoryBound(to: Float.self)),
                                count: count)
        }
        embedding = try matrix("token_embd.weight", columns: c.dimension, rows: c.vocabulary)
        outputNorm = try vector("output_norm.weight", c.dimension)
        // Tied embeddings: without output.weight the embedding matrix doubles as the output head.
        output = gguf.tensor(named: "output.weight") == nil ? embedding : try matrix("output.weight", columns: c.dimension, rows: c.vocabulary)
        func optionalVector(_ name: String) throws(GGUFError) -> WeightVector? {
            gguf.tensor(named: name) == nil ? nil : try vector(name, c.headDimension / 2)
        }
        ropeFrequencyFactors = try optionalVector("rope_freqs.weight")
        ropeFactorsShort = try optionalVector("rope_factors_short.weight")
        ropeFactorsLong = try optionalVector("rope_factors_long.weight")
        var blocks: [Block] = []
        let gemma = c.architecture == .gemma3
        for layer in 0..<c.layers {
            let prefix = "blk.\(layer)."
            func bias(_ name: String, _ count: Int) throws(GGUFError) -> WeightVector? {
                c.hasAttentionBias ? try vector(prefix + name, count) : nil
            }
            let query, key, value, gate, up: WeightMatrix
            if c.architecture == .phi3 {
                // One tensor of query, key and value rows; one of gate rows then up rows.
                let qkv = try matrix(prefix + "attn_qkv.weight", columns: c.dimension, rows: c.queryDimension + 2 * c.kvDimension)
                query = qkv.rows(0..<c.queryDimension, name: prefix + "attn_qkv.weight[q]")
                key = qkv.rows(c.queryDimension..<c.queryDimension + c.kvDimension, name: prefix + "attn_qkv.weight[k]")
                value = qkv.rows(c.queryDimension + c.kvDimension..<qkv.rows, name: prefix + "attn_qkv.weight[v]")
                let gateUp = try matrix(prefix + "ffn_up.weight", columns: c.dimension, rows: 2 * c.feedForward)
                gate = gateUp.rows(0..<c.feedForward, name: prefix + "ffn_up.weight[gate]")
                up = gateUp.rows(c.feedForward..<2 * c.feedForward, name: prefix + "ffn_up.weight[up]")
            } else {
                query = try matrix(prefix + "attn_q.weight", columns: c.dimension, rows: c.queryDimension)
                key = try matrix(prefix + "attn_k.weight", columns: c.dimension, rows: c.kvDimension)
                value = try matrix(prefix + "attn_v.weight", columns: c.dimension, rows: c.kvDimension)
                gate = try matrix(prefix + "ffn_gate.weight", columns: c.dimension, rows: c.feedForward)
                up = try matrix(prefix + "ffn_up.weight", columns: c.dimension, rows: c.feedForward)
            }
            blocks.append(Block(
                attentionNorm: try vector(prefix + "attn_norm.weight", c.dimension),
                query: query, key: key, value: value,
                attentionOutput: try matrix(prefix + "attn_output.weight", columns: c.queryDimension, rows: c.dimension),
                queryBias: try bias("attn_q.bias", c.queryDimension),
                keyBias: try bias("attn_k.bias", c.kvDimension),
                valueBias: try bias("attn_v.bias", c.kvDimension),
                feedForwardNorm: try vector(prefix + "ffn_norm.weight", c.dimension),
                gate: gate, up: up,
                down: try matrix(prefix + "ffn_down.weight", columns: c.feedForward, rows: c.dimension),
                queryNorm: gemma ? try vector(prefix + "attn_q_norm.weight", c.headDimension) : nil,
                keyNorm: gemma ? try vector(prefix + "attn_k_norm.weight", c.headDimension) : nil,
                postAttentionNorm: gemma ? try vector(prefix + "post_attention_norm.weight", c.dimension) : nil,
                postFeedForwardNorm: gemma ? try vector(prefix + "post_ffw_norm.weight", c.dimension) : nil))
        }
        self.blocks = blocks
    }
}

extension LlamaModel {
    /// `program(contextLength:)` for the CPU backend: the layers' matrices packed where the kernels have a
    /// packing for their type (see PackedWeights), and the output head where its packing takes no more
    /// than the file's bytes (Q4_1, Q8_0: the default model's and Gemma's tied heads, a third of the
    /// default model's decode and most of Gemma's). The first call packs them, once for every backend,
    /// and lets go of the file's pages of those matrices, which nothing reads any more: a tied
    /// embedding's lookups read the packed head's rows.
    func cpuProgram(contextLength: Int) -> ForwardProgram {
        let program = program(contextLength: contextLength)
        let packed = packedMatrices.withLock { cache -> [String: PackedWeights] in
            if let cache { return cache }
            var made: [String: PackedWeights] = [:]
            func pack(_ matrix: WeightMatrix) {
                guard made[matrix.name] == nil else { return }
                let start = matrix.base - UnsafeRawPointer(file.mapping.bytes.baseAddress!)
                made[matrix.name] = PackedWeights(matrix) { rows in file.mapping.release(start..<(start + matrix.rowBytes * rows)) }
            }
            let heads = program.steps.compactMap { step -> WeightMatrix? in if case .logits(_, let m) = step { m } else { nil } }
            // A head's packing larger than the file (Q5_0, the K-quants) would add its excess to the RSS.
            for head in heads where mowai_packed_size(Int32(head.type.rawValue), Int32(head.rows), Int32(head.columns)) <= head.rowBytes * head.rows {
                pack(head)
            }
            _ = program.replacingLayerMatrices { matrix in
                pack(matrix)
                return matrix
            }
            cache = made
            return made
        }
        let withPacked = { (matrix: WeightMatrix) -> WeightMatrix in
            var matrix = matrix
            matrix.packed = packed[matrix.name]
            return matrix
        }
        let layers = program.replacingLayerMatrices(withPacked)
        return ForwardProgram(config: layers.config, steps: layers.steps.map { step in
            switch step {
            case .embed(let m, let scale): return .embed(withPacked(m), scale: scale)
            case .logits(let norm, let m): return .logits(norm: norm, output: withPacked(m))
            default: return step
            }
        }, rotaries: layers.rotaries)
    }
}

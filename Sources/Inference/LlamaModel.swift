/// The llama architecture's shape, read from GGUF metadata.
public struct LlamaConfig: Sendable, Equatable {
    public let layers: Int
    public let dimension: Int
    public let heads: Int
    public let kvHeads: Int
    public let feedForward: Int
    public let vocabulary: Int
    public let contextLength: Int
    public let epsilon: Float
    public let ropeBase: Float
    public var headDimension: Int { dimension / heads }

    init(gguf: GGUFFile) throws(GGUFError) {
        guard let architecture = gguf.architecture else { throw .invalid(file: gguf.file, what: "general.architecture is missing") }
        guard architecture == "llama" else {
            throw .invalid(file: gguf.file, what: "architecture \(architecture) is not supported yet (llama is)")
        }
        func integer(_ key: String) throws(GGUFError) -> Int {
            guard let value = gguf.metadata["\(architecture).\(key)"]?.integer, value > 0 else {
                throw .invalid(file: gguf.file, what: "\(architecture).\(key) is missing")
            }
            return value
        }
        layers = try integer("block_count")
        dimension = try integer("embedding_length")
        heads = try integer("attention.head_count")
        kvHeads = try integer("attention.head_count_kv")
        feedForward = try integer("feed_forward_length")
        contextLength = try integer("context_length")
        vocabulary = gguf.metadata["tokenizer.ggml.tokens"]?.array?.count ?? 0
        epsilon = Float(gguf.metadata["\(architecture).attention.layer_norm_rms_epsilon"]?.number ?? 1e-5)
        ropeBase = Float(gguf.metadata["\(architecture).rope.freq_base"]?.number ?? 10_000)
        guard dimension % heads == 0, heads % kvHeads == 0, vocabulary > 0 else {
            throw .invalid(file: gguf.file, what: "inconsistent shape: \(dimension) dims, \(heads) heads, \(kvHeads) KV heads")
        }
    }
}

/// A llama-family model over its mapped GGUF file: the straightforward forward pass, one token at a
/// time, dequantizing weight rows as it goes. It is the reference the fast backends are checked against.
public final class LlamaModel: Sendable {
    public let file: GGUFModelFile
    public let config: LlamaConfig
    let embedding: GGUFFile.Tensor
    let output: GGUFFile.Tensor
    let outputNorm: GGUFFile.Tensor
    let blocks: [Block]

    struct Block: Sendable {
        let attentionNorm, query, key, value, attentionOutput: GGUFFile.Tensor
        let feedForwardNorm, gate, up, down: GGUFFile.Tensor
    }

    public init(file: GGUFModelFile) throws(GGUFError) {
        self.file = file
        let gguf = file.gguf
        config = try LlamaConfig(gguf: gguf)
        func tensor(_ name: String, _ dimensions: [Int]) throws(GGUFError) -> GGUFFile.Tensor {
            guard let tensor = gguf.tensor(named: name) else { throw .invalid(file: gguf.file, what: "tensor \(name) is missing") }
            guard tensor.dimensions == dimensions else {
                throw .invalid(file: gguf.file, what: "tensor \(name) is \(tensor.dimensions), expected \(dimensions)")
            }
            guard GGMLType.supported.contains(tensor.type) else {
                throw .invalid(file: gguf.file, what: "tensor \(name) has type \(tensor.type), which mowai cannot compute with yet")
            }
            return tensor
        }
        let c = config
        let kvDimension = c.kvHeads * c.headDimension
        embedding = try tensor("token_embd.weight", [c.dimension, c.vocabulary])
        outputNorm = try tensor("output_norm.weight", [c.dimension])
        // Tied embeddings: without output.weight the embedding matrix doubles as the output head.
        output = gguf.tensor(named: "output.weight") == nil ? embedding : try tensor("output.weight", [c.dimension, c.vocabulary])
        var blocks: [Block] = []
        for layer in 0..<c.layers {
            let prefix = "blk.\(layer)."
            blocks.append(Block(
                attentionNorm: try tensor(prefix + "attn_norm.weight", [c.dimension]),
                query: try tensor(prefix + "attn_q.weight", [c.dimension, c.dimension]),
                key: try tensor(prefix + "attn_k.weight", [c.dimension, kvDimension]),
                value: try tensor(prefix + "attn_v.weight", [c.dimension, kvDimension]),
                attentionOutput: try tensor(prefix + "attn_output.weight", [c.dimension, c.dimension]),
                feedForwardNorm: try tensor(prefix + "ffn_norm.weight", [c.dimension]),
                gate: try tensor(prefix + "ffn_gate.weight", [c.dimension, c.feedForward]),
                up: try tensor(prefix + "ffn_up.weight", [c.dimension, c.feedForward]),
                down: try tensor(prefix + "ffn_down.weight", [c.feedForward, c.dimension])))
        }
        self.blocks = blocks
    }

    /// Row `row` of a matrix tensor (or the whole of a vector), as Floats.
    func dequantize(_ tensor: GGUFFile.Tensor, row: Int, into destination: UnsafeMutableBufferPointer<Float>) {
        let width = tensor.dimensions[0]
        let rowBytes = width / tensor.type.blockSize * tensor.type.bytesPerBlock
        let start = tensor.offset + row * rowBytes
        Dequantize.elements(width, of: tensor.type, from: UnsafeRawBufferPointer(rebasing: file.mapping.bytes[start..<start + rowBytes]),
                            into: destination)
    }

    /// y = W·x for a GGUF matrix W of shape [in, out] (ggml order): one dequantized row per output.
    func multiply(_ tensor: GGUFFile.Tensor, _ x: [Float], into y: inout [Float], scratch: inout [Float]) {
        let rows = tensor.dimensions[1]
        for row in 0..<rows {
            scratch.withUnsafeMutableBufferPointer { dequantize(tensor, row: row, into: $0) }
            var sum: Float = 0
            for index in x.indices { sum += scratch[index] * x[index] }
            y[row] = sum
        }
    }
}

/// One sequence through a model: its KV cache and position.
public struct LlamaSession {
    public let model: LlamaModel
    public private(set) var position = 0
    private var keys: [[Float]]
    private var values: [[Float]]

    public init(model: LlamaModel) {
        self.model = model
        keys = Array(repeating: [], count: model.config.layers)
        values = Array(repeating: [], count: model.config.layers)
    }

    /// Feeds one token; returns the logits for the next.
    public mutating func forward(_ token: Int32) -> [Float] {
        let c = model.config
        let headDimension = c.headDimension
        let kvDimension = c.kvHeads * headDimension
        let group = c.heads / c.kvHeads
        var scratch = [Float](repeating: 0, count: max(c.dimension, c.feedForward))
        var x = [Float](repeating: 0, count: c.dimension)
        x.withUnsafeMutableBufferPointer { model.dequantize(model.embedding, row: Int(token), into: $0) }

        var h = x, q = x, k = [Float](repeating: 0, count: kvDimension), v = k, attention = x, projected = x
        var gate = [Float](repeating: 0, count: c.feedForward), up = gate
        for (layer, block) in model.blocks.enumerated() {
            rmsNorm(x, block.attentionNorm, into: &h, scratch: &scratch)
            model.multiply(block.query, h, into: &q, scratch: &scratch)
            model.multiply(block.key, h, into: &k, scratch: &scratch)
            model.multiply(block.value, h, into: &v, scratch: &scratch)
            rope(&q, heads: c.heads)
            rope(&k, heads: c.kvHeads)
            keys[layer] += k
            values[layer] += v

            let positions = position + 1
            var scores = [Float](repeating: 0, count: positions)
            for head in 0..<c.heads {
                let kvHead = head / group
                let scale = 1 / Float(headDimension).squareRoot()
                for p in 0..<positions {
                    var dot: Float = 0
                    for d in 0..<headDimension { dot += q[head * headDimension + d] * keys[layer][p * kvDimension + kvHead * headDimension + d] }
                    scores[p] = dot * scale
                }
                let best = scores.max() ?? 0
                var total: Float = 0
                for p in 0..<positions { scores[p] = expf(scores[p] - best); total += scores[p] }
                for d in 0..<headDimension {
                    var sum: Float = 0
                    for p in 0..<positions { sum += scores[p] * values[layer][p * kvDimension + kvHead * headDimension + d] }
                    attention[head * headDimension + d] = sum / total
                }
            }
            model.multiply(block.attentionOutput, attention, into: &projected, scratch: &scratch)
            for index in x.indices { x[index] += projected[index] }

            rmsNorm(x, block.feedForwardNorm, into: &h, scratch: &scratch)
            model.multiply(block.gate, h, into: &gate, scratch: &scratch)
            model.multiply(block.up, h, into: &up, scratch: &scratch)
            for index in gate.indices { gate[index] = gate[index] / (1 + expf(-gate[index])) * up[index] }
            model.multiply(block.down, gate, into: &projected, scratch: &scratch)
            for index in x.indices { x[index] += projected[index] }
        }
        rmsNorm(x, model.outputNorm, into: &h, scratch: &scratch)
        var logits = [Float](repeating: 0, count: c.vocabulary)
        model.multiply(model.output, h, into: &logits, scratch: &scratch)
        position += 1
        return logits
    }

    private func rmsNorm(_ x: [Float], _ weight: GGUFFile.Tensor, into out: inout [Float], scratch: inout [Float]) {
        var squares: Float = 0
        for value in x { squares += value * value }
        let scale = 1 / (squares / Float(x.count) + model.config.epsilon).squareRoot()
        scratch.withUnsafeMutableBufferPointer { model.dequantize(weight, row: 0, into: $0) }
        for index in x.indices { out[index] = x[index] * scale * scratch[index] }
    }

    /// GGUF llama weights are permuted for ggml's "normal" rope: adjacent pairs rotate together.
    private func rope(_ vector: inout [Float], heads: Int) {
        let headDimension = model.config.headDimension
        for head in 0..<heads {
            for pair in stride(from: 0, to: headDimension, by: 2) {
                let theta = Float(position) * powf(model.config.ropeBase, -Float(pair) / Float(headDimension))
                let (cosine, sine) = (cosf(theta), sinf(theta))
                let index = head * headDimension + pair
                let (a, b) = (vector[index], vector[index + 1])
                vector[index] = a * cosine - b * sine
                vector[index + 1] = a * sine + b * cosine
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

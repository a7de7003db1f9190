import CInferenceKernels
#if canImport(Glibc)
import Glibc
#endif

/// Evaluates batches of tokens through a model on the CPU. A batch may mix sequences (each with its
/// own KV cache) and positions, so a prompt is processed many tokens at a time and several agents'
/// decode steps share one pass over the weights. Every buffer is allocated once, here; evaluating
/// allocates nothing. One caller at a time: the owner (an engine's thread) serialises use.
public final class LlamaContext: ParallelJob, @unchecked Sendable {
    public let model: LlamaModel
    /// Tokens one `evaluate` can take.
    public let batchCapacity: Int
    public let sequenceCount: Int
    /// Positions each sequence may use (at most the model's context).
    public let contextLength: Int
    public var threads: Int { pool.count }

    private let pool: WorkerPool
    private var batchTokens: [Int32]
    private var batchSequences: [Int]
    private var batchPositions: [Int]
    /// Batch rows whose logits are wanted, in the order `logits(row:)` numbers them.
    private var logitSources: [Int]
    public private(set) var batchCount = 0
    public var logitCount: Int { logitSources.count }

    // Activations, `batchCapacity` rows each.
    private let residual, normed, query, key, value, attention, projected, gate, up: PageBuffer<Float>
    private let quantized: PageBuffer<mowai_q8_block>
    private let logitBuffer: PageBuffer<Float>
    /// One row of attention scores per worker.
    private let scores: PageBuffer<Float>
    private let keyCache, valueCache: [PageBuffer<Float>]
    private let inverseFrequencies: [Float]

    public enum ContextError: Error, Equatable, CustomStringConvertible {
        case batchFull(capacity: Int)
        case positionOutOfRange(position: Int, contextLength: Int)
        case noSuchSequence(Int)

        public var description: String {
            switch self {
            case .batchFull(let capacity): return "the batch is full (\(capacity) tokens)"
            case .positionOutOfRange(let position, let length):
                return "position \(position) is beyond the context of \(length) tokens"
            case .noSuchSequence(let sequence): return "there is no sequence \(sequence)"
            }
        }
    }

    public init(model: LlamaModel, threads: Int, sequences: Int = 1, contextLength: Int? = nil, batchCapacity: Int = 64) {
        let c = model.config
        self.model = model
        self.batchCapacity = max(1, batchCapacity)
        sequenceCount = max(1, sequences)
        self.contextLength = min(c.contextLength, max(1, contextLength ?? c.contextLength))
        _ = mowai_kernel_isa()  // detect the CPU once, here, before workers race to do it
        pool = WorkerPool(threads: threads)
        let rows = self.batchCapacity
        let widest = max(c.dimension, c.feedForward)
        residual = PageBuffer(count: rows * c.dimension)
        normed = PageBuffer(count: rows * widest)
        query = PageBuffer(count: rows * c.dimension)
        key = PageBuffer(count: rows * c.kvDimension)
        value = PageBuffer(count: rows * c.kvDimension)
        attention = PageBuffer(count: rows * c.dimension)
        projected = PageBuffer(count: rows * c.dimension)
        gate = PageBuffer(count: rows * c.feedForward)
        up = PageBuffer(count: rows * c.feedForward)
        quantized = PageBuffer(count: rows * widest / 32)
        logitBuffer = PageBuffer(count: rows * c.vocabulary)
        scores = PageBuffer(count: pool.count * self.contextLength)
        let cacheSize = c.layers * self.contextLength * c.kvDimension
        keyCache = (0..<sequenceCount).map { _ in PageBuffer(count: cacheSize) }
        valueCache = (0..<sequenceCount).map { _ in PageBuffer(count: cacheSize) }
        batchTokens = Array(repeating: 0, count: rows)
        batchSequences = Array(repeating: 0, count: rows)
        batchPositions = Array(repeating: 0, count: rows)
        logitSources = []
        logitSources.reserveCapacity(rows)
        let half = c.headDimension / 2
        inverseFrequencies = (0..<half).map { i in
            let frequency = powf(c.ropeBase, -Float(2 * i) / Float(c.headDimension))
            return frequency / (model.ropeFrequencyFactors?[i] ?? 1)
        }
    }

    // MARK: Batches

    public func clearBatch() {
        batchCount = 0
        logitSources.removeAll(keepingCapacity: true)
    }

    /// Adds a token of `sequence` at `position`; with `wantsLogits` its next-token logits will be row
    /// `logitCount - 1` after `evaluate`.
    public func append(_ token: Int32, sequence: Int, position: Int, wantsLogits: Bool) throws(ContextError) {
        guard batchCount < batchCapacity else { throw .batchFull(capacity: batchCapacity) }
        guard (0..<sequenceCount).contains(sequence) else { throw .noSuchSequence(sequence) }
        guard (0..<contextLength).contains(position) else { throw .positionOutOfRange(position: position, contextLength: contextLength) }
        batchTokens[batchCount] = min(max(token, 0), Int32(model.config.vocabulary - 1))
        batchSequences[batchCount] = sequence
        batchPositions[batchCount] = position
        if wantsLogits { logitSources.append(batchCount) }
        batchCount += 1
    }

    /// Runs the batch through the model. Tokens of one sequence must come in position order; each sees
    /// its sequence's cache up to its own position.
    public func evaluate() {
        guard batchCount > 0 else { return }
        pool.run(self)
    }

    /// The logits of the `row`th token that asked for them.
    public func logits(row: Int) -> UnsafeMutableBufferPointer<Float> {
        precondition((0..<batchCapacity).contains(row), "logits row \(row) is outside the batch of \(batchCapacity)")
        return UnsafeMutableBufferPointer(start: logitBuffer[row * model.config.vocabulary], count: model.config.vocabulary)
    }

    /// Feeds `tokens` of one sequence from `position` on, a batch at a time; returns the logits after
    /// the last one.
    public func prefill(_ tokens: ArraySlice<Int32>, sequence: Int, from position: Int) throws(ContextError) -> UnsafeMutableBufferPointer<Float> {
        precondition(!tokens.isEmpty, "prefill needs at least one token")
        var next = position
        var rest = tokens
        repeat {
            clearBatch()
            let chunk = rest.prefix(batchCapacity)
            for (offset, token) in chunk.enumerated() {
                try append(token, sequence: sequence, position: next + offset, wantsLogits: offset == chunk.count - 1 && chunk.count == rest.count)
            }
            evaluate()
            next += chunk.count
            rest = rest.dropFirst(chunk.count)
        } while !rest.isEmpty
        return logits(row: 0)
    }

    // MARK: The forward pass, run by every worker on its share

    func execute(worker: Int, of workers: Int) {
        let c = model.config
        let n = batchCount
        let mine = share(n, worker: worker, of: workers)
        let barrier = pool.barrier
        for t in mine { model.embedding.dequantizeRow(Int(batchTokens[t]), into: residual[t * c.dimension]) }

        for (layer, block) in model.blocks.enumerated() {
            for t in mine { normalize(residual[t * c.dimension], weight: block.attentionNorm, row: t) }
            barrier.wait()
            multiply(block.query, floats: normed, tokens: n, into: query, worker: worker, of: workers)
            multiply(block.key, floats: normed, tokens: n, into: key, worker: worker, of: workers)
            multiply(block.value, floats: normed, tokens: n, into: value, worker: worker, of: workers)
            barrier.wait()
            for t in mine { positionAndCache(row: t, layer: layer, block: block) }
            barrier.wait()
            for item in share(n * c.heads, worker: worker, of: workers) {
                attend(row: item / c.heads, head: item % c.heads, layer: layer, scores: scores[worker * contextLength])
            }
            barrier.wait()
            for t in mine { mowai_quantize_q8(attention[t * c.dimension], quantized[t * c.dimension / 32], Int32(c.dimension)) }
            barrier.wait()
            multiply(block.attentionOutput, floats: attention, tokens: n, into: projected, worker: worker, of: workers)
            barrier.wait()
            for t in mine {
                add(projected[t * c.dimension], to: residual[t * c.dimension], count: c.dimension)
                normalize(residual[t * c.dimension], weight: block.feedForwardNorm, row: t)
            }
            barrier.wait()
            multiply(block.gate, floats: normed, tokens: n, into: gate, worker: worker, of: workers)
            multiply(block.up, floats: normed, tokens: n, into: up, worker: worker, of: workers)
            barrier.wait()
            for t in mine { swiGLU(row: t) }
            barrier.wait()
            multiply(block.down, floats: gate, tokens: n, into: projected, worker: worker, of: workers)
            barrier.wait()
            // The next layer's norm takes the same rows: no barrier needed between the two.
            for t in mine { add(projected[t * c.dimension], to: residual[t * c.dimension], count: c.dimension) }
        }

        let outputs = logitSources.count
        barrier.wait()
        for row in share(outputs, worker: worker, of: workers) {
            normalize(residual[logitSources[row] * c.dimension], weight: model.outputNorm, row: row)
        }
        barrier.wait()
        multiply(model.output, floats: normed, tokens: outputs, into: logitBuffer, worker: worker, of: workers)
    }

    /// normed[row] = RMSNorm(x)·weight, and its q8 form for the next matrix.
    @inline(__always)
    private func normalize(_ x: UnsafeMutablePointer<Float>, weight: UnsafePointer<Float>, row: Int) {
        let d = model.config.dimension
        let scale = 1 / (mowai_dot_f32(x, x, Int32(d)) / Float(d) + model.config.epsilon).squareRoot()
        let out = normed[row * d]
        for i in 0..<d { out[i] = x[i] * scale * weight[i] }
        mowai_quantize_q8(out, quantized[row * d / 32], Int32(d))
    }

    /// The activations a matrix reads are in `floats` (rows `columns` wide) and, quantized, in `quantized`.
    @inline(__always)
    private func multiply(_ matrix: WeightMatrix, floats: PageBuffer<Float>, tokens: Int, into out: PageBuffer<Float>,
                          worker: Int, of workers: Int) {
        matrix.multiply(rows: share(matrix.rows, worker: worker, of: workers), floats: floats.pointer,
                        quantized: quantized.pointer, tokens: tokens, into: out.pointer, outStride: matrix.rows)
    }

    @inline(__always)
    private func add(_ source: UnsafeMutablePointer<Float>, to destination: UnsafeMutablePointer<Float>, count: Int) {
        mowai_axpy_f32(destination, 1, source, Int32(count))
    }

    /// Biases (Qwen2), RoPE at the token's position, then K and V into the sequence's cache.
    private func positionAndCache(row t: Int, layer: Int, block: LlamaModel.Block) {
        let c = model.config
        let q = query[t * c.dimension], k = key[t * c.kvDimension], v = value[t * c.kvDimension]
        if let bias = block.queryBias { mowai_axpy_f32(q, 1, bias, Int32(c.dimension)) }
        if let bias = block.keyBias { mowai_axpy_f32(k, 1, bias, Int32(c.kvDimension)) }
        if let bias = block.valueBias { mowai_axpy_f32(v, 1, bias, Int32(c.kvDimension)) }
        let position = Float(batchPositions[t])
        let half = c.headDimension / 2
        for i in 0..<half {
            let angle = position / model.config.ropeLinearScale * inverseFrequencies[i]
            let (cosine, sine) = (cosf(angle), sinf(angle))
            let (first, second) = c.ropeLayout == .adjacentPairs ? (2 * i, 2 * i + 1) : (i, i + half)
            for head in 0..<c.heads { rotate(q + head * c.headDimension, first, second, cosine, sine) }
            for head in 0..<c.kvHeads { rotate(k + head * c.headDimension, first, second, cosine, sine) }
        }
        let slot = (layer * contextLength + batchPositions[t]) * c.kvDimension
        let sequence = batchSequences[t]
        (keyCache[sequence].pointer + slot).update(from: k, count: c.kvDimension)
        (valueCache[sequence].pointer + slot).update(from: v, count: c.kvDimension)
    }

    @inline(__always)
    private func rotate(_ vector: UnsafeMutablePointer<Float>, _ first: Int, _ second: Int, _ cosine: Float, _ sine: Float) {
        let (a, b) = (vector[first], vector[second])
        vector[first] = a * cosine - b * sine
        vector[second] = a * sine + b * cosine
    }

    /// One head of one token over its sequence's cache, positions 0 through its own.
    private func attend(row t: Int, head: Int, layer: Int, scores: UnsafeMutablePointer<Float>) {
        let c = model.config
        let size = c.headDimension
        let kvHead = head / (c.heads / c.kvHeads)
        let q = query[t * c.dimension + head * size]
        let base = layer * contextLength * c.kvDimension + kvHead * size
        let keys = keyCache[batchSequences[t]].pointer + base
        let values = valueCache[batchSequences[t]].pointer + base
        mowai_attention(q, keys, values, Int32(c.kvDimension), Int32(batchPositions[t] + 1), Int32(size),
                        1 / Float(size).squareRoot(), scores, attention[t * c.dimension + head * size])
    }

    /// gate[row] = SiLU(gate)·up, and its q8 form for the down projection.
    private func swiGLU(row t: Int) {
        let width = model.config.feedForward
        let g = gate[t * width], u = up[t * width]
        for i in 0..<width { g[i] = g[i] / (1 + expf(-g[i])) * u[i] }
        mowai_quantize_q8(g, quantized[t * width / 32], Int32(width))
    }
}

import CInferenceKernels
#if canImport(Glibc)
import Glibc
#endif

/// Runs a model's `ForwardProgram` on the CPU's cores. A batch may mix sequences (each with its own KV
/// cache) and positions, so a prompt is processed many tokens at a time and several agents' decode
/// steps share one pass over the weights. Every buffer is allocated once, here; evaluating allocates
/// nothing. One caller at a time: the owner (an engine's thread) serialises use.
public final class CPUBackend: ForwardBackend, ParallelJob, @unchecked Sendable {
    public let model: LlamaModel
    public let program: ForwardProgram
    public var batch: TokenBatch
    public var threads: Int { pool.count }
    public var vocabulary: Int { model.config.vocabulary }
    public var deviceDescription: String { "CPU (\(kernelInstructionSet), \(threads) thread\(threads == 1 ? "" : "s"))" }

    private let pool: WorkerPool
    // Activations, `batchCapacity` rows each.
    private let residual, normed, query, key, value, attention, projected, gate, up: PageBuffer<Float>
    private let quantized: PageBuffer<mowai_q8_block>
    private let logitBuffer: PageBuffer<Float>
    /// One row of attention scores per worker.
    private let scores: PageBuffer<Float>
    private let keyCache, valueCache: [PageBuffer<Float>]

    public init(model: LlamaModel, threads: Int, sequences: Int = 1, contextLength: Int? = nil, batchCapacity: Int = 64) {
        let c = model.config
        self.model = model
        batch = TokenBatch(capacity: batchCapacity, sequences: sequences,
                           contextLength: min(c.contextLength, max(1, contextLength ?? c.contextLength)), vocabulary: c.vocabulary)
        program = model.cpuProgram(contextLength: batch.contextLength)
        _ = mowai_kernel_isa()  // detect the CPU once, here, before workers race to do it
        pool = WorkerPool(threads: threads)
        let rows = batch.capacity
        let widest = max(c.dimension, c.feedForward, c.queryDimension)
        residual = PageBuffer(count: rows * c.dimension)
        normed = PageBuffer(count: rows * widest)
        query = PageBuffer(count: rows * c.queryDimension)
        key = PageBuffer(count: rows * c.kvDimension)
        value = PageBuffer(count: rows * c.kvDimension)
        attention = PageBuffer(count: rows * c.queryDimension)
        projected = PageBuffer(count: rows * c.dimension)
        gate = PageBuffer(count: rows * c.feedForward)
        up = PageBuffer(count: rows * c.feedForward)
        quantized = PageBuffer(count: rows * widest / 32)
        logitBuffer = PageBuffer(count: rows * c.vocabulary)
        scores = PageBuffer(count: pool.count * batch.contextLength)
        let cacheSize = c.layers * batch.contextLength * c.kvDimension
        keyCache = (0..<batch.sequenceCount).map { _ in PageBuffer(count: cacheSize) }
        valueCache = (0..<batch.sequenceCount).map { _ in PageBuffer(count: cacheSize) }
    }

    public func evaluate() {
        guard batch.count > 0 else { return }
        pool.run(self)
    }

    public func logits(row: Int) -> UnsafeMutableBufferPointer<Float> {
        precondition((0..<batch.capacity).contains(row), "logits row \(row) is outside the batch of \(batch.capacity)")
        return UnsafeMutableBufferPointer(start: logitBuffer[row * model.config.vocabulary], count: model.config.vocabulary)
    }

    // MARK: The program, run by every worker on its share

    func execute(worker: Int, of workers: Int) {
        let c = model.config
        let n = batch.count
        let mine = share(n, worker: worker, of: workers)
        let barrier = pool.barrier
        // Steps that only touch the worker's own rows (embedding, norms) need no barrier before them;
        // every other step reads what other workers wrote.
        for step in program.steps {
            switch step {
            case .embed(let matrix, let scale):
                for t in mine {
                    let row = residual[t * c.dimension]
                    matrix.dequantizeRow(Int(batch.tokens[t]), into: row)
                    if scale != 1 { for i in 0..<c.dimension { row[i] *= scale } }
                }

            case .norm(let weight):
                for t in mine { normalize(residual[t * c.dimension], weight: weight.pointer, row: t) }

            case .attentionInputs(let q, let k, let v):
                barrier.wait()
                multiply(q, floats: normed, tokens: n, into: query, worker: worker, of: workers)
                multiply(k, floats: normed, tokens: n, into: key, worker: worker, of: workers)
                multiply(v, floats: normed, tokens: n, into: value, worker: worker, of: workers)

            case .normalizeHeads(let queryNorm, let keyNorm):
                barrier.wait()
                let size = c.headDimension
                for t in mine {
                    for head in 0..<c.heads { normalizeInPlace(query[t * c.queryDimension + head * size], weight: queryNorm.pointer, count: size) }
                    for head in 0..<c.kvHeads { normalizeInPlace(key[t * c.kvDimension + head * size], weight: keyNorm.pointer, count: size) }
                }

            case .rotateAndCache(let layer, let biases, let rotary):
                barrier.wait()
                for t in mine { positionAndCache(row: t, layer: layer, biases: biases, rotary: program.rotaries[rotary]) }

            case .attend(let layer, let window):
                barrier.wait()
                for item in share(n * c.heads, worker: worker, of: workers) {
                    attend(row: item / c.heads, head: item % c.heads, layer: layer, window: window, scores: scores[worker * batch.contextLength])
                }

            case .addProjection(let matrix, let source, let postNorm):
                let input: PageBuffer<Float>
                switch source {
                case .attention:
                    // A row's heads came from several workers: quantize once all are written.
                    barrier.wait()
                    let width = c.queryDimension
                    for t in mine { mowai_quantize_q8(attention[t * width], quantized[t * width / 32], Int32(width)) }
                    input = attention
                case .feedForward:
                    input = gate  // quantized by the feed-forward step
                }
                barrier.wait()
                multiply(matrix, floats: input, tokens: n, into: projected, worker: worker, of: workers)
                barrier.wait()
                for t in mine {
                    if let postNorm { normalizeInPlace(projected[t * c.dimension], weight: postNorm.pointer, count: c.dimension) }
                    mowai_axpy_f32(residual[t * c.dimension], 1, projected[t * c.dimension], Int32(c.dimension))
                }

            case .gatedFeedForward(let gateMatrix, let upMatrix, let activation):
                barrier.wait()
                multiply(gateMatrix, floats: normed, tokens: n, into: gate, worker: worker, of: workers)
                multiply(upMatrix, floats: normed, tokens: n, into: up, worker: worker, of: workers)
                barrier.wait()
                for t in mine { gatedActivation(row: t, activation) }

            case .logits(let norm, let output):
                let outputs = batch.logitSources.count
                barrier.wait()
                for row in share(outputs, worker: worker, of: workers) {
                    normalize(residual[batch.logitSources[row] * c.dimension], weight: norm.pointer, row: row)
                }
                barrier.wait()
                multiply(output, floats: normed, tokens: outputs, into: logitBuffer, worker: worker, of: workers)
            }
        }
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
        // Packed matrices go 8 rows at a time.
        let rows: Range<Int>
        if matrix.packed != nil {
            let groups = share(matrix.rows / 8, worker: worker, of: workers)
            rows = groups.lowerBound * 8..<groups.upperBound * 8
        } else {
            rows = share(matrix.rows, worker: worker, of: workers)
        }
        matrix.multiply(rows: rows, floats: floats.pointer,
                        quantized: quantized.pointer, tokens: tokens, into: out.pointer, outStride: matrix.rows)
    }

    /// x = RMSNorm(x) · weight, in place (Gemma 3's per-head and post norms).
    @inline(__always)
    private func normalizeInPlace(_ x: UnsafeMutablePointer<Float>, weight: UnsafePointer<Float>, count: Int) {
        let scale = 1 / (mowai_dot_f32(x, x, Int32(count)) / Float(count) + model.config.epsilon).squareRoot()
        for i in 0..<count { x[i] = x[i] * scale * weight[i] }
    }

    /// Biases (Qwen2), RoPE at the token's position, then K and V into the sequence's cache.
    private func positionAndCache(row t: Int, layer: Int, biases: ForwardProgram.AttentionBiases?, rotary: RotaryEmbedding) {
        let c = model.config
        let q = query[t * c.queryDimension], k = key[t * c.kvDimension], v = value[t * c.kvDimension]
        if let biases {
            mowai_axpy_f32(q, 1, biases.query.pointer, Int32(c.queryDimension))
            mowai_axpy_f32(k, 1, biases.key.pointer, Int32(c.kvDimension))
            mowai_axpy_f32(v, 1, biases.value.pointer, Int32(c.kvDimension))
        }
        let position = batch.positions[t]
        for i in 0..<c.headDimension / 2 {
            let (cosine, sine) = rotary.rotation(position: position, pair: i)
            let (first, second) = rotary.elements(ofPair: i, headSize: c.headDimension)
            for head in 0..<c.heads { rotate(q + head * c.headDimension, first, second, cosine, sine) }
            for head in 0..<c.kvHeads { rotate(k + head * c.headDimension, first, second, cosine, sine) }
        }
        let slot = (layer * batch.contextLength + position) * c.kvDimension
        let sequence = batch.sequences[t]
        (keyCache[sequence].pointer + slot).update(from: k, count: c.kvDimension)
        (valueCache[sequence].pointer + slot).update(from: v, count: c.kvDimension)
    }

    @inline(__always)
    private func rotate(_ vector: UnsafeMutablePointer<Float>, _ first: Int, _ second: Int, _ cosine: Float, _ sine: Float) {
        let (a, b) = (vector[first], vector[second])
        vector[first] = a * cosine - b * sine
        vector[second] = a * sine + b * cosine
    }

    /// One head of one token over its sequence's cache, positions 0 (or the window's first) through its own.
    private func attend(row t: Int, head: Int, layer: Int, window: Int?, scores: UnsafeMutablePointer<Float>) {
        let c = model.config
        let size = c.headDimension
        let kvHead = head / (c.heads / c.kvHeads)
        let q = query[t * c.queryDimension + head * size]
        let position = batch.positions[t]
        let first = window.map { max(0, position + 1 - $0) } ?? 0
        let base = (layer * batch.contextLength + first) * c.kvDimension + kvHead * size
        let keys = keyCache[batch.sequences[t]].pointer + base
        let values = valueCache[batch.sequences[t]].pointer + base
        mowai_attention(q, keys, values, Int32(c.kvDimension), Int32(position + 1 - first), Int32(size),
                        1 / Float(size).squareRoot(), scores, attention[t * c.queryDimension + head * size])
    }

    /// gate[row] = activation(gate)·up, and its q8 form for the down projection.
    private func gatedActivation(row t: Int, _ activation: ForwardProgram.GateActivation) {
        let width = model.config.feedForward
        let g = gate[t * width], u = up[t * width]
        mowai_gated_activation(g, u, Int32(width), activation == .gelu ? 1 : 0)
        mowai_quantize_q8(g, quantized[t * width / 32], Int32(width))
    }
}

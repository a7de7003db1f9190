import Inference
import Vulkan

/// One dispatch of a forward step, bound once: what varies per step (how many tokens, how many rows want
/// logits) goes into its push constants and workgroup counts when it is recorded.
struct RecordedDispatch {
    struct Counts {
        let tokens: Int
        let outputs: Int
    }

    /// Dispatches of the output head only run when some row wants logits.
    let onlyWithOutputs: Bool
    let record: (CommandStream, Counts) -> Void

    func runs(_ counts: Counts) -> Bool { !onlyWithOutputs || counts.outputs > 0 }
}

/// Turns a `ForwardProgram` into dispatches on one device: which shader each step runs, over which
/// buffers, with which constants. Fusions the kernels allow happen here: the query, key and value
/// projections are one matrix, gate and up are one (interleaved) with the activation in its epilogue,
/// and the residual adds are the projections' epilogue.
struct ForwardRecorder {
    let resources: DeviceResources

    func record(_ program: ForwardProgram) throws(VulkanError) -> [RecordedDispatch] {
        // Vectors first: their buffer must exist before any set binds it.
        for step in program.steps {
            switch step {
            case .norm(let weight): _ = resources.vector(weight.name, [weight])
            case .logits(let norm, _): _ = resources.vector(norm.name, [norm])
            case .rotateAndCache(let layer, let biases?, _): _ = resources.vector("biases.\(layer)", [biases.query, biases.key, biases.value])
            case .normalizeHeads(let query, let key): _ = resources.vector("heads:" + query.name, [query, key])
            case .addProjection(_, _, let postNorm?): _ = resources.vector(postNorm.name, [postNorm])
            default: break
            }
        }
        try resources.finishVectors()
        var dispatches: [RecordedDispatch] = []
        for step in program.steps { dispatches += try self.dispatches(for: step) }
        return dispatches
    }

    private var c: LlamaConfig { resources.config }
    private var tuning: KernelTuning { resources.tuning }

    private func dispatches(for step: ForwardProgram.Step) throws(VulkanError) -> [RecordedDispatch] {
        let r = resources
        switch step {
        case .embed(let matrix, let scale):
            let device = try r.matrix(matrix.name, rows: (0..<matrix.rows).map { (matrix, $0) })
            let pipeline = try r.pipeline("embed_\(Self.shaderName(device.type))", bindings: 3, push: MemoryLayout<WeightPush>.size,
                                          workgroup: tuning.rowWorkgroup)
            return try device.parts.map { (part) throws(VulkanError) -> RecordedDispatch in
                let set = try r.pool.makeSet(for: pipeline, binding: [BufferRange(part.buffer), BufferRange(r.residual), BufferRange(r.batchWords)])
                var push = WeightPush(rows: UInt32(part.rows), chunks: UInt32(device.chunksPerRow), outStride: UInt32(c.dimension),
                                      outOffset: UInt32(part.firstRow), header: UInt32(part.packed.header), high: UInt32(part.packed.high),
                                      quants: UInt32(part.packed.quants), scale: scale)
                return RecordedDispatch(onlyWithOutputs: false) { stream, counts in
                    push.tokens = UInt32(counts.tokens)
                    push.withBytes { stream.dispatch(set, groups: (counts.tokens, 1, 1), push: $0, group: "embedding") }
                }
            }

        case .norm(let weight):
            return [try norm(weight, gather: false)]

        case .attentionInputs(let query, let key, let value):
            let width = UInt32(r.qkvWidth)
            if query.type == key.type && key.type == value.type {
                let rows = [query, key, value].flatMap { matrix in (0..<matrix.rows).map { (matrix, $0) } }
                let fused = try r.matrix("qkv:" + query.name, rows: rows)
                return try matmul(fused, input: r.normed, xStride: c.dimension, output: BufferRange(r.qkv), outStride: width, outOffset: 0,
                                  accumulate: false, group: "matmul")
            }
            var all: [RecordedDispatch] = []
            for (matrix, offset) in [(query, 0), (key, c.queryDimension), (value, c.queryDimension + c.kvDimension)] {
                let device = try r.matrix(matrix.name, rows: (0..<matrix.rows).map { (matrix, $0) })
                all += try matmul(device, input: r.normed, xStride: c.dimension, output: BufferRange(r.qkv), outStride: width,
                                  outOffset: UInt32(offset), accumulate: false, group: "matmul")
            }
            return all

        case .normalizeHeads(let query, _):
            let pipeline = try r.pipeline("head_norm", bindings: 2, push: MemoryLayout<HeadNormPush>.size, workgroup: tuning.rowWorkgroup)
            let set = try r.pool.makeSet(for: pipeline, binding: [BufferRange(r.qkv), r.vectorRange("heads:" + query.name)])
            let push = HeadNormPush(heads: UInt32(c.heads), kvHeads: UInt32(c.kvHeads), headDim: UInt32(c.headDimension),
                                    rowStride: UInt32(r.qkvWidth), epsilon: c.epsilon)
            let heads = c.heads + c.kvHeads
            return [RecordedDispatch(onlyWithOutputs: false) { stream, counts in
                push.withBytes { stream.dispatch(set, groups: (counts.tokens * heads, 1, 1), push: $0, group: "norm") }
            }]

        case .rotateAndCache(let layer, let biases, let rotary):
            let pipeline = try r.pipeline("rope", bindings: 6, push: MemoryLayout<RopePush>.size, workgroup: tuning.rowWorkgroup)
            let biasRange = biases == nil ? BufferRange(r.empty) : r.vectorRange("biases.\(layer)")
            let set = try r.pool.makeSet(for: pipeline, binding: [
                BufferRange(r.qkv), BufferRange(r.rotations[rotary]), biasRange, BufferRange(r.keyCaches[layer]), BufferRange(r.valueCaches[layer]),
                BufferRange(r.batchWords),
            ])
            let push = RopePush(heads: UInt32(c.heads), kvHeads: UInt32(c.kvHeads), headDim: UInt32(c.headDimension), rowStride: UInt32(r.qkvWidth),
                                context: UInt32(r.contextLength), adjacent: c.ropeLayout == .adjacentPairs ? 1 : 0, biased: biases == nil ? 0 : 1)
            return [RecordedDispatch(onlyWithOutputs: false) { stream, counts in
                push.withBytes { stream.dispatch(set, groups: (counts.tokens, 1, 1), push: $0, group: "rope") }
            }]

        case .attend(let layer, let window):
            let pipeline = try r.pipeline("attention", bindings: 5, push: MemoryLayout<AttentionPush>.size, workgroup: tuning.rowWorkgroup)
            let set = try r.pool.makeSet(for: pipeline, binding: [
                BufferRange(r.qkv), BufferRange(r.keyCaches[layer]), BufferRange(r.valueCaches[layer]), BufferRange(r.attention), BufferRange(r.batchWords),
            ])
            let push = AttentionPush(heads: UInt32(c.heads), kvHeads: UInt32(c.kvHeads), headDim: UInt32(c.headDimension), rowStride: UInt32(r.qkvWidth),
                                     context: UInt32(r.contextLength), scale: 1 / Float(c.headDimension).squareRoot(),
                                     window: UInt32(min(window ?? 0, r.contextLength)))
            let heads = c.heads
            return [RecordedDispatch(onlyWithOutputs: false) { stream, counts in
                push.withBytes { stream.dispatch(set, groups: (counts.tokens * heads, 1, 1), push: $0, group: "attention") }
            }]

        case .addProjection(let matrix, let source, let postNorm?):
            // Into a scratch row, then normalized and added to the residual.
            let (input, width) = source == .attention ? (r.attention, c.queryDimension) : (r.feedForward, c.feedForward)
            let device = try r.matrix(matrix.name, rows: (0..<matrix.rows).map { (matrix, $0) })
            return try matmul(device, input: input, xStride: width, output: BufferRange(r.projected), outStride: UInt32(c.dimension), outOffset: 0,
                              accumulate: false, group: "matmul")
                + [try norm(postNorm, input: r.projected, output: r.residual, add: true)]

        case .addProjection(let matrix, let source, nil):
            let (input, width) = source == .attention ? (r.attention, c.queryDimension) : (r.feedForward, c.feedForward)
            let device = try r.matrix(matrix.name, rows: (0..<matrix.rows).map { (matrix, $0) })
            return try matmul(device, input: input, xStride: width, output: BufferRange(r.residual), outStride: UInt32(c.dimension), outOffset: 0,
                              accumulate: true, group: "matmul")

        case .gatedFeedForward(let gate, let up, let activation):
            guard gate.type == up.type else {
                throw .unsuitable(device: r.device.info.name, reason: "\(gate.name) is \(gate.type) but \(up.name) is \(up.type) (the fused kernel takes one type)")
            }
            let rows = (0..<gate.rows).flatMap { [(gate, $0), (up, $0)] }
            let fused = try r.matrix("gate+up:" + gate.name, rows: rows, gated: true)
            return try matmul(fused, input: r.normed, xStride: c.dimension, output: BufferRange(r.feedForward), outStride: UInt32(c.feedForward),
                              outOffset: 0, accumulate: false, gelu: activation == .gelu, group: "matmul")

        case .logits(let norm, let output):
            let device = try r.matrix(output.name, rows: (0..<output.rows).map { (output, $0) })
            return [try self.norm(norm, gather: true)]
                + (try matmul(device, input: r.normed, xStride: c.dimension, output: BufferRange(r.logits), outStride: UInt32(c.vocabulary),
                              outOffset: 0, accumulate: false, group: "output", tokensAreOutputs: true))
        }
    }

    /// normed = RMSNorm(residual) · weight (of the rows that want logits, with `gather`); or, with `add`,
    /// output += RMSNorm(input) · weight.
    private func norm(_ weight: WeightVector, gather: Bool = false, input: VulkanBuffer? = nil, output: VulkanBuffer? = nil,
                      add: Bool = false) throws(VulkanError) -> RecordedDispatch {
        let r = resources
        let pipeline = try r.pipeline("rms_norm", bindings: 4, push: MemoryLayout<NormPush>.size, workgroup: tuning.rowWorkgroup)
        let set = try r.pool.makeSet(for: pipeline, binding: [BufferRange(input ?? r.residual), r.vectorRange(weight.name),
                                                              BufferRange(output ?? r.normed), BufferRange(r.batchWords)])
        let push = NormPush(width: UInt32(c.dimension), xStride: UInt32(c.dimension), yStride: UInt32(c.dimension), gather: gather ? 1 : 0,
                            epsilon: c.epsilon, flags: add ? NormPush.add : 0)
        return RecordedDispatch(onlyWithOutputs: gather) { stream, counts in
            push.withBytes { stream.dispatch(set, groups: (gather ? counts.outputs : counts.tokens, 1, 1), push: $0, group: "norm") }
        }
    }

    /// One dispatch per part of `matrix`: out[t][outOffset + row] (+)= row · input[t], with the shape
    /// the step's token count calls for.
    private func matmul(_ matrix: DeviceMatrix, input: VulkanBuffer, xStride: Int, output: BufferRange, outStride: UInt32, outOffset: UInt32,
                        accumulate: Bool, gelu: Bool = false, group: String, tokensAreOutputs: Bool = false) throws(VulkanError) -> [RecordedDispatch] {
        let r = resources, tuning = tuning
        let name = (matrix.gated ? "matmul_gated_" : "matmul_") + Self.shaderName(matrix.type)
        var sets: [MatmulShape: [DescriptorSet]] = [:]
        for shape in tuning.matmulShapes {
            let pipeline = try r.pipeline(name, bindings: 3, push: MemoryLayout<WeightPush>.size, workgroup: shape.workgroup, matmul: shape)
            sets[shape] = try matrix.parts.map { (part) throws(VulkanError) in
                try r.pool.makeSet(for: pipeline, binding: [BufferRange(part.buffer), BufferRange(input), output])
            }
        }
        return matrix.parts.enumerated().map { index, part in
            var push = WeightPush(rows: UInt32(part.rows), chunks: UInt32(matrix.chunksPerRow), xStride: UInt32(xStride), outStride: outStride,
                                  outOffset: outOffset + UInt32(part.firstRow), header: UInt32(part.packed.header), high: UInt32(part.packed.high),
                                  quants: UInt32(part.packed.quants),
                                  flags: (accumulate ? WeightPush.accumulate : 0) | (gelu ? WeightPush.gelu : 0))
            let rows = part.rows
            return RecordedDispatch(onlyWithOutputs: tokensAreOutputs) { stream, counts in
                let tokens = tokensAreOutputs ? counts.outputs : counts.tokens
                let shape = tuning.matmul(tokens: tokens)
                push.tokens = UInt32(tokens)
                push.withBytes { stream.dispatch(sets[shape]![index], groups: shape.groups(rows: rows, tokens: tokens), push: $0, group: group) }
            }
        }
    }

    /// The shader suffix of a weight type (matmul_q4_k).
    static func shaderName(_ type: GGMLType) -> String { type.description.lowercased() }
}

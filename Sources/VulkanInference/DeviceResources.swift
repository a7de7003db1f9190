import CVulkanShaders
import Inference
#if canImport(Glibc)
import Glibc
#endif
import Vulkan

/// Everything a model's forward pass binds on one device: the packed weights, norm weights and biases,
/// activations, the KV cache, RoPE's table, and the pipelines, each made once.
final class DeviceResources {
    let device: VulkanDevice
    let tuning: KernelTuning
    let config: LlamaConfig
    let batchCapacity: Int
    let sequences: Int
    let contextLength: Int

    let residual, normed, qkv, attention, feedForward: VulkanBuffer
    /// A projection's output before its norm (Gemma's post norms).
    let projected: VulkanBuffer
    let batchWords: VulkanBuffer
    let logits: VulkanBuffer
    /// One cos/sin table per RoPE variant of the program.
    let rotations: [VulkanBuffer]
    let keyCaches, valueCaches: [VulkanBuffer]
    /// Bound where a kernel's optional input is absent (a model without biases).
    let empty: VulkanBuffer
    private(set) var vectorBuffer: VulkanBuffer?
    private(set) var vectors: VectorPack
    private(set) var matrices: [String: DeviceMatrix] = [:]
    private var pipelines: [String: ComputePipeline] = [:]
    let pool: DescriptorPool
    let uploader: Uploader

    var qkvWidth: Int { config.queryDimension + 2 * config.kvDimension }

    init(program: ForwardProgram, device: VulkanDevice, tuning: KernelTuning, batch: TokenBatch,
         batchWords: VulkanBuffer, logits: VulkanBuffer) throws(VulkanError) {
        let c = program.config
        self.device = device
        self.tuning = tuning
        config = c
        batchCapacity = batch.capacity
        sequences = batch.sequenceCount
        contextLength = batch.contextLength
        self.batchWords = batchWords
        self.logits = logits
        uploader = try Uploader(device: device)
        let rows = batch.capacity
        func activations(_ width: Int) throws(VulkanError) -> VulkanBuffer {
            try VulkanBuffer(device: device, bytes: 4 * rows * width, location: .device)
        }
        residual = try activations(c.dimension)
        normed = try activations(max(c.dimension, c.feedForward))
        qkv = try activations(c.queryDimension + 2 * c.kvDimension)
        attention = try activations(c.queryDimension)
        feedForward = try activations(c.feedForward)
        projected = try activations(c.dimension)
        empty = try uploader.zeroed(bytes: 16)

        // cos and sin of every position's angle, as the CPU backend computes them.
        let pairs = c.headDimension / 2
        var tables: [VulkanBuffer] = []
        for rotary in program.rotaries {
            var table = [Float](repeating: 0, count: 2 * batch.contextLength * pairs)
            for position in 0..<batch.contextLength {
                for pair in 0..<pairs {
                    let (cosine, sine) = rotary.rotation(position: position, pair: pair)
                    table[2 * (position * pairs + pair)] = cosine
                    table[2 * (position * pairs + pair) + 1] = sine
                }
            }
            tables.append(try uploader.upload(table))
        }
        rotations = tables

        let cacheBytes = batch.sequenceCount * batch.contextLength * c.kvDimension * 2
        var keys: [VulkanBuffer] = [], values: [VulkanBuffer] = []
        for _ in 0..<c.layers {
            keys.append(try VulkanBuffer(device: device, bytes: cacheBytes, location: .device))
            values.append(try VulkanBuffer(device: device, bytes: cacheBytes, location: .device))
        }
        keyCaches = keys
        valueCaches = values
        vectors = VectorPack(alignment: device.storageAlignment)
        // A set per dispatch; matrices split into parts take one per part.
        pool = try DescriptorPool(device: device, sets: program.steps.count * 2 + 64, buffers: (program.steps.count * 2 + 64) * 6)
    }

    // MARK: Weights

    /// The device copy of `rows`, packed and uploaded on first use under `key`.
    func matrix(_ key: String, rows: [(matrix: WeightMatrix, row: Int)], gated: Bool = false) throws(VulkanError) -> DeviceMatrix {
        if let known = matrices[key] { return known }
        let made = try uploader.matrix(rows, gated: gated, maxPartBytes: device.info.maxStorageBufferRange)
        matrices[key] = made
        return made
    }

    /// Adds vectors to the pack; `finishVectors` uploads them once every step has named its own.
    func vector(_ key: String, _ parts: [WeightVector]) -> String {
        vectors.add(key, parts)
    }

    func finishVectors() throws(VulkanError) {
        let floats = vectors.floats.isEmpty ? [Float](repeating: 0, count: 4) : vectors.floats
        vectorBuffer = try uploader.upload(floats)
    }

    func vectorRange(_ key: String) -> BufferRange {
        guard let vectorBuffer, let range = vectors.range(key, in: vectorBuffer) else {
            preconditionFailure("vector \(key) was not uploaded")
        }
        return range
    }

    // MARK: Pipelines

    /// The pipeline of shader `name`, made on first use with this device's constants (a matmul's with
    /// its shape's).
    func pipeline(_ name: String, bindings: Int, push: Int, workgroup: Int, matmul: MatmulShape? = nil) throws(VulkanError) -> ComputePipeline {
        let key = matmul?.pipelineKey(name) ?? name
        if let made = pipelines[key] { return made }
        guard let shader = mowai_shader_named(name) else {
            throw .unsuitable(device: device.info.name, reason: "mowai has no shader \(name)")
        }
        let made = try ComputePipeline(
            device: device, name: name, spirv: UnsafeBufferPointer(start: shader.pointee.words, count: shader.pointee.count),
            bindings: bindings, pushConstantBytes: push,
            specialization: tuning.constants(workgroup: workgroup, batchCapacity: batchCapacity, matmul: matmul))
        pipelines[key] = made
        return made
    }
}

import CVulkanShaders
import Inference
#if canImport(Glibc)
import Glibc
#endif
import Vulkan

/// Runs a model's `ForwardProgram` on a Vulkan device: weights uploaded once (packed for the shaders),
/// the KV cache resident on the device, and each forward step one command buffer holding every dispatch
/// and barrier. Only the logits rows asked for are read back. One thread (the engine's) uses it.
public final class VulkanBackend: ForwardBackend, @unchecked Sendable {
    public let model: LlamaModel
    public var batch: TokenBatch
    public var vocabulary: Int { model.config.vocabulary }
    public let deviceDescription: String
    public let device: VulkanDevice
    public let tuning: KernelTuning
    /// Bytes the model holds on the device: weights, cache and activations.
    public let deviceBytes: Int

    private let stream: CommandStream
    private let batchWords: VulkanBuffer
    private let logitBuffer: VulkanBuffer
    private var steps: [RecordedDispatch] = []
    /// Buffers and pipelines the recorded dispatches bind, kept alive with the backend.
    private let resources: DeviceResources

    /// - Parameters:
    ///   - profiling: time every dispatch (GPU timestamps), read with `profile`.
    ///   - tuning: the kernels' shapes (default: chosen for the device; tests run a GPU's on lavapipe).
    public init(model: LlamaModel, device: VulkanDevice, shape: BackendShape, batchCapacity: Int = 64,
                profiling: Bool = false, tuning: KernelTuning? = nil) throws(VulkanError) {
        let c = model.config
        self.model = model
        self.device = device
        let tuning = tuning ?? KernelTuning.for(device.info)
        self.tuning = tuning
        batch = TokenBatch(capacity: batchCapacity, sequences: shape.sequences,
                           contextLength: min(c.contextLength, max(1, shape.contextLength)), vocabulary: c.vocabulary)
        let program = model.program(contextLength: batch.contextLength)
        try Self.checkSupport(program, device: device.info)
        let plan = MemoryPlan(program: program, batch: batch, alignment: device.storageAlignment)
        guard plan.totalBytes <= device.info.deviceLocalBytes * 9 / 10 else {
            throw .unsuitable(device: device.info.name, reason: "the model needs \(VulkanError.megabytes(plan.totalBytes)) of device memory "
                + "(weights \(VulkanError.megabytes(plan.weightBytes)), KV cache \(VulkanError.megabytes(plan.cacheBytes))), "
                + "it has \(VulkanError.megabytes(device.info.deviceLocalBytes))")
        }
        guard plan.largestCacheBinding <= device.info.maxStorageBufferRange else {
            throw .unsuitable(device: device.info.name, reason: "a layer's KV cache for \(batch.sequenceCount) sequences of "
                + "\(batch.contextLength) positions (\(VulkanError.megabytes(plan.largestCacheBinding))) exceeds its largest binding "
                + "(\(VulkanError.megabytes(device.info.maxStorageBufferRange)))")
        }
        deviceBytes = plan.totalBytes
        stream = try CommandStream(device: device, profiling: profiling)
        batchWords = try VulkanBuffer(device: device, bytes: 4 * 4 * batch.capacity, location: .upload)
        logitBuffer = try VulkanBuffer(device: device, bytes: 4 * batch.capacity * c.vocabulary, location: .readback)
        let resources = try DeviceResources(program: program, device: device, tuning: tuning, batch: batch,
                                            batchWords: batchWords, logits: logitBuffer)
        self.resources = resources
        steps = try ForwardRecorder(resources: resources).record(program)
        deviceDescription = "Vulkan device \(device.info.index): \(device.info.name)"
    }

    /// Types, shapes and features the kernels need; anything else stays on the CPU, said plainly.
    static func checkSupport(_ program: ForwardProgram, device: VulkanDeviceInfo) throws(VulkanError) {
        for matrix in program.matrices where !DeviceLayout.types.contains(matrix.type) {
            throw .unsuitable(device: device.name, reason: "tensor \(matrix.name) is \(matrix.type), which the Vulkan kernels do not read")
        }
        let c = program.config
        guard c.headDimension % 4 == 0, c.headDimension <= 256 else {
            throw .unsuitable(device: device.name, reason: "heads of \(c.headDimension) dimensions (the kernels take multiples of 4 up to 256)")
        }
    }

    public func evaluate() throws(ForwardError) {
        let n = batch.count
        guard n > 0 else { return }
        guard let words = batchWords.contents?.assumingMemoryBound(to: UInt32.self) else { return }
        let capacity = batch.capacity
        for row in 0..<n {
            words[row] = UInt32(batch.tokens[row])
            words[capacity + row] = UInt32(batch.positions[row])
            words[2 * capacity + row] = UInt32(batch.sequences[row])
        }
        for (index, source) in batch.logitSources.enumerated() { words[3 * capacity + index] = UInt32(source) }
        batchWords.flush()
        let counts = RecordedDispatch.Counts(tokens: n, outputs: batch.logitSources.count)
        do throws(VulkanError) {
            try stream.begin()
            for step in steps where step.runs(counts) {
                step.record(stream, counts)
                stream.barrier()
            }
            try stream.submitAndWait()
        } catch {
            switch error {
            case .deviceLost: throw .deviceLost(error.description)
            default: throw .failed(error.description)
            }
        }
        logitBuffer.invalidate()
    }

    public func logits(row: Int) -> UnsafeMutableBufferPointer<Float> {
        precondition((0..<batch.capacity).contains(row), "logits row \(row) is outside the batch of \(batch.capacity)")
        let floats = logitBuffer.contents!.assumingMemoryBound(to: Float.self)
        return UnsafeMutableBufferPointer(start: floats + row * vocabulary, count: vocabulary)
    }

    /// GPU time per kernel group since the last reset, in seconds (needs `profiling`).
    public var profile: [String: Double] { stream.groupNanoseconds.mapValues { $0 / 1e9 } }
    public func resetProfile() { stream.resetProfile() }
    /// Dispatches in the last forward step.
    public var dispatchesPerStep: Int { stream.dispatches }
}

/// What the model takes on the device, worked out before anything is allocated.
struct MemoryPlan {
    let weightBytes: Int
    let cacheBytes: Int
    let activationBytes: Int
    let largestCacheBinding: Int
    var totalBytes: Int { weightBytes + cacheBytes + activationBytes }

    init(program: ForwardProgram, batch: TokenBatch, alignment: Int) {
        let c = program.config
        weightBytes = program.matrices.reduce(0) { $0 + DeviceLayout.packedBytes(perRow: $1) * $1.rows }
        // f16 keys and values per layer for every sequence and position.
        largestCacheBinding = batch.sequenceCount * batch.contextLength * c.kvDimension * 2
        cacheBytes = 2 * c.layers * largestCacheBinding
        let rows = batch.capacity
        let widest = max(c.dimension, c.feedForward)
        activationBytes = 4 * rows * (2 * c.dimension + widest + c.queryDimension + 2 * c.kvDimension + c.queryDimension + c.feedForward + c.vocabulary)
            + 8 * batch.contextLength * c.headDimension / 2 * program.rotaries.count
    }
}

import Vulkan

/// How a matmul dispatch splits its work: the specialization constants of one matmul pipeline.
public struct MatmulShape: Sendable, Equatable, Hashable {
    /// How a row's dot products are shared out (matmul.comp's SPLIT).
    public enum Split: Int, Sendable {
        /// A row per invocation, the activations read by every lane.
        case rowPerLane = 0
        /// A row per subgroup, each lane a strided share of its chunks (a GPU's coalesced reads).
        case rowPerSubgroup = 1
        /// A row per invocation, each chunk's activations read once across the subgroup and broadcast
        /// (a CPU device's SIMD lanes; one token per pass).
        case rowPerLaneBroadcast = 2
    }

    /// Invocations per workgroup.
    public var workgroup: Int
    public var split: Split
    /// Tokens a workgroup multiplies per pass over its rows.
    public var tokensPerPass: Int
    /// Output rows per workgroup.
    public var rowsPerGroup: Int

    /// Workgroups of a dispatch over `rows` output rows and `tokens` activation rows.
    func groups(rows: Int, tokens: Int) -> (x: Int, y: Int, z: Int) {
        ((rows + rowsPerGroup - 1) / rowsPerGroup, 1, (tokens + tokensPerPass - 1) / tokensPerPass)
    }

    /// The name the backend caches a pipeline under.
    func pipelineKey(_ shader: String) -> String { "\(shader)/\(workgroup)/\(split.rawValue)/\(tokensPerPass)/\(rowsPerGroup)" }
}

/// Kernel shapes per device. A CPU device (lavapipe) runs a workgroup on one core with its invocations
/// as SIMD lanes: one SIMD width per workgroup, a row per lane, and for a single token the activations
/// shared by broadcast (measured on lavapipe, Q4_1 1536×576: 450 µs against 800 with four-token passes).
/// A GPU wants wide workgroups with a subgroup per row, reading coalesced.
public struct KernelTuning: Sendable, Equatable {
    /// For a pass of one token (decode of one sequence), and for more.
    public var single: MatmulShape
    public var batch: MatmulShape
    /// Invocations per workgroup of the row-wise kernels (norm, RoPE, attention, embedding).
    public var rowWorkgroup: Int

    public static func `for`(_ device: VulkanDeviceInfo) -> KernelTuning {
        let subgroup = max(1, device.subgroupSize)
        if device.kind == .cpu {
            let batch = MatmulShape(workgroup: subgroup, split: .rowPerLane, tokensPerPass: 4, rowsPerGroup: subgroup)
            // The broadcast shares a 32-value chunk as 8 vectors of 4: it needs subgroups of at least 8.
            let single = subgroup >= 8 ? MatmulShape(workgroup: subgroup, split: .rowPerLaneBroadcast, tokensPerPass: 1, rowsPerGroup: subgroup)
                : MatmulShape(workgroup: subgroup, split: .rowPerLane, tokensPerPass: 1, rowsPerGroup: subgroup)
            return KernelTuning(single: single, batch: batch, rowWorkgroup: subgroup)
        }
        let workgroup = min(max(128, subgroup), device.maxWorkgroupInvocations)
        let shape = MatmulShape(workgroup: workgroup, split: .rowPerSubgroup, tokensPerPass: 8, rowsPerGroup: max(1, workgroup / subgroup))
        return KernelTuning(single: shape, batch: shape, rowWorkgroup: min(max(64, subgroup), device.maxWorkgroupInvocations))
    }

    /// The shape a matmul over `tokens` activation rows runs with.
    func matmul(tokens: Int) -> MatmulShape { tokens <= 1 ? single : batch }

    /// Every distinct matmul shape (a pipeline each per matrix type).
    var matmulShapes: [MatmulShape] { single == batch ? [single] : [single, batch] }

    /// Constant ids as the shaders number them: 0 workgroup, 1 split, 2 tokens, 3 rows per group,
    /// 4 largest head size, 7 batch capacity.
    func constants(workgroup: Int, batchCapacity: Int, matmul: MatmulShape? = nil, headDimensionLimit: Int = 256) -> [UInt32] {
        let shape = matmul ?? batch
        return [UInt32(workgroup), UInt32(shape.split.rawValue), UInt32(shape.tokensPerPass), UInt32(shape.rowsPerGroup),
                UInt32(headDimensionLimit), 0, 0, UInt32(batchCapacity)]
    }
}

import Vulkan

/// Workgroup shapes per device, the specialization constants every pipeline gets. A CPU device
/// (lavapipe) runs a workgroup on one core with its invocations as SIMD lanes: one SIMD width per
/// workgroup, a row per lane. A GPU wants wide workgroups with a subgroup per row, reading coalesced.
public struct KernelTuning: Sendable, Equatable {
    /// Invocations per matmul workgroup.
    public var matmulWorkgroup: Int
    /// 0: a row per invocation; 1: a row per subgroup.
    public var split: Int
    /// Tokens a matmul workgroup multiplies per pass over its rows.
    public var tokensPerPass: Int
    public var rowsPerGroup: Int
    /// Invocations per workgroup of the row-wise kernels (norm, RoPE, attention, embedding).
    public var rowWorkgroup: Int

    public static func `for`(_ device: VulkanDeviceInfo) -> KernelTuning {
        if device.kind == .cpu {
            let lanes = max(1, device.subgroupSize)
            return KernelTuning(matmulWorkgroup: lanes, split: 0, tokensPerPass: 4, rowsPerGroup: lanes, rowWorkgroup: lanes)
        }
        let subgroup = max(1, device.subgroupSize)
        let workgroup = min(max(128, subgroup), device.maxWorkgroupInvocations)
        return KernelTuning(matmulWorkgroup: workgroup, split: 1, tokensPerPass: 8, rowsPerGroup: max(1, workgroup / subgroup),
                            rowWorkgroup: min(max(64, subgroup), device.maxWorkgroupInvocations))
    }

    /// Workgroups of a matmul dispatch over `rows` output rows and `tokens` activation rows.
    func matmulGroups(rows: Int, tokens: Int) -> (x: Int, y: Int, z: Int) {
        let rowsPerGroup = split == 0 ? matmulWorkgroup : self.rowsPerGroup
        return ((rows + rowsPerGroup - 1) / rowsPerGroup, 1, (tokens + tokensPerPass - 1) / tokensPerPass)
    }

    /// Constant ids as the shaders number them: 0 workgroup, 1 split, 2 tokens, 3 rows per group,
    /// 4 largest head size, 7 batch capacity.
    func constants(workgroup: Int, batchCapacity: Int, headDimensionLimit: Int = 256) -> [UInt32] {
        [UInt32(workgroup), UInt32(split), UInt32(tokensPerPass), UInt32(rowsPerGroup), UInt32(headDimensionLimit), 0, 0, UInt32(batchCapacity)]
    }
}

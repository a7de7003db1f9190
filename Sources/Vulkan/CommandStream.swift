import CVulkan

/// Records one command buffer (a whole forward step: every dispatch and barrier), submits it and waits.
/// With `profiling`, a timestamp after each dispatch attributes GPU time to the dispatch's group.
public final class CommandStream: @unchecked Sendable {
    // Strong: the device must outlive what was made from it (its handle destroys them).
    let device: VulkanDevice
    private var buffer: VkCommandBuffer?
    private var queries: VkQueryPool?
    private let queryCapacity: Int
    private var queryGroups: [String] = []
    public let profiling: Bool
    /// GPU nanoseconds per dispatch group, summed over every submitted stream since the last reset.
    public private(set) var groupNanoseconds: [String: Double] = [:]
    public private(set) var dispatches = 0

    public init(device: VulkanDevice, profiling: Bool = false, maxDispatches: Int = 4096) throws(VulkanError) {
        self.device = device
        self.profiling = profiling && device.info.timestamps
        queryCapacity = maxDispatches + 1
        guard self.profiling else { return }
        var info = VkQueryPoolCreateInfo()
        info.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO
        info.queryType = VK_QUERY_TYPE_TIMESTAMP
        info.queryCount = UInt32(queryCapacity)
        try check(device.functions.createQueryPool(device.handle, &info, nil, &queries), "vkCreateQueryPool", device: device.info.name)
    }

    deinit {
        if let queries { device.functions.destroyQueryPool(device.handle, queries, nil) }
    }

    public func resetProfile() { groupNanoseconds = [:] }

    /// Starts a new command buffer (the previous one must have been submitted).
    public func begin() throws(VulkanError) {
        let f = device.functions
        try check(f.resetCommandPool(device.handle, device.commandPool, 0), "vkResetCommandPool", device: device.info.name)
        var info = VkCommandBufferAllocateInfo()
        info.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO
        info.commandPool = device.commandPool
        info.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY
        info.commandBufferCount = 1
        if buffer == nil {
            try check(f.allocateCommandBuffers(device.handle, &info, &buffer), "vkAllocateCommandBuffers", device: device.info.name)
        }
        var begin = VkCommandBufferBeginInfo()
        begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO
        begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT.rawValue
        try check(f.beginCommandBuffer(buffer, &begin), "vkBeginCommandBuffer", device: device.info.name)
        dispatches = 0
        queryGroups.removeAll(keepingCapacity: true)
        if let queries {
            f.cmdResetQueryPool(buffer, queries, 0, UInt32(queryCapacity))
            f.cmdWriteTimestamp(buffer, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, queries, 0)
        }
    }

    /// Runs `set`'s pipeline over `groups` workgroups with `push` as its push constants.
    public func dispatch(_ set: DescriptorSet, groups: (x: Int, y: Int, z: Int), push: UnsafeRawBufferPointer, group: String) {
        let f = device.functions, pipeline = set.pipeline
        f.cmdBindPipeline(buffer, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.handle)
        var handle: VkDescriptorSet? = set.handle
        f.cmdBindDescriptorSets(buffer, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.layout, 0, 1, &handle, 0, nil)
        if pipeline.pushConstantBytes > 0 {
            precondition(push.count == pipeline.pushConstantBytes, "\(pipeline.name) takes \(pipeline.pushConstantBytes) bytes of push constants")
            f.cmdPushConstants(buffer, pipeline.layout, VK_SHADER_STAGE_COMPUTE_BIT.rawValue, 0, UInt32(push.count), push.baseAddress)
        }
        f.cmdDispatch(buffer, UInt32(groups.x), UInt32(groups.y), UInt32(groups.z))
        dispatches += 1
        if let queries, queryGroups.count + 1 < queryCapacity {
            queryGroups.append(group)
            f.cmdWriteTimestamp(buffer, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, queries, UInt32(queryGroups.count))
        }
    }

    /// Everything written so far by shaders (and transfers) is visible to what follows.
    public func barrier() {
        var barrier = VkMemoryBarrier()
        barrier.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER
        barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT.rawValue | VK_ACCESS_TRANSFER_WRITE_BIT.rawValue
        barrier.dstAccessMask = VK_ACCESS_SHADER_READ_BIT.rawValue | VK_ACCESS_SHADER_WRITE_BIT.rawValue | VK_ACCESS_TRANSFER_READ_BIT.rawValue
            | VK_ACCESS_HOST_READ_BIT.rawValue
        let stages = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT.rawValue | VK_PIPELINE_STAGE_TRANSFER_BIT.rawValue
        device.functions.cmdPipelineBarrier(buffer, stages, stages | VK_PIPELINE_STAGE_HOST_BIT.rawValue, 0, 1, &barrier, 0, nil, 0, nil)
    }

    public func copy(from source: BufferRange, to destination: BufferRange) {
        precondition(source.bytes <= destination.bytes, "copy of \(source.bytes) bytes into \(destination.bytes)")
        var region = VkBufferCopy(srcOffset: VkDeviceSize(source.offset), dstOffset: VkDeviceSize(destination.offset), size: VkDeviceSize(source.bytes))
        device.functions.cmdCopyBuffer(buffer, source.buffer.handle, destination.buffer.handle, 1, &region)
    }

    /// Zeroes a range (its size a multiple of 4).
    public func fill(_ range: BufferRange, with value: UInt32 = 0) {
        device.functions.cmdFillBuffer(buffer, range.buffer.handle, VkDeviceSize(range.offset), VkDeviceSize(range.bytes), value)
    }

    /// Ends the command buffer, submits it and waits for the GPU to finish it.
    public func submitAndWait() throws(VulkanError) {
        let f = device.functions, name = device.info.name
        try check(f.endCommandBuffer(buffer), "vkEndCommandBuffer", device: name)
        var submit = VkSubmitInfo()
        submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO
        submit.commandBufferCount = 1
        var fence: VkFence? = device.fence
        try check(f.resetFences(device.handle, 1, &fence), "vkResetFences", device: name)
        let submitted = withUnsafePointer(to: &buffer) { buffer in
            submit.pCommandBuffers = buffer
            return f.queueSubmit(device.queue, 1, &submit, device.fence)
        }
        try check(submitted, "vkQueueSubmit", device: name)
        // A minute: a step that takes longer is a hung GPU, not a slow one.
        let waited = f.waitForFences(device.handle, 1, &fence, VK_TRUE, 60_000_000_000)
        if waited == VK_TIMEOUT { throw .deviceLost(device: name) }
        try check(waited, "vkWaitForFences", device: name)
        if let queries, !queryGroups.isEmpty { collectTimestamps(queries) }
    }

    private func collectTimestamps(_ queries: VkQueryPool) {
        var ticks = [UInt64](repeating: 0, count: queryGroups.count + 1)
        let result = ticks.withUnsafeMutableBytes { raw in
            device.functions.getQueryPoolResults(device.handle, queries, 0, UInt32(raw.count / 8), raw.count, raw.baseAddress, 8,
                                                 VK_QUERY_RESULT_64_BIT.rawValue | VK_QUERY_RESULT_WAIT_BIT.rawValue)
        }
        guard result == VK_SUCCESS else { return }
        for (index, group) in queryGroups.enumerated() where ticks[index + 1] >= ticks[index] {
            groupNanoseconds[group, default: 0] += Double(ticks[index + 1] - ticks[index]) * device.timestampPeriod
        }
    }
}

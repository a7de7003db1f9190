import CVulkan

/// The device-level functions mowai calls, loaded once per device.
struct DeviceFunctions {
    let destroyDevice: PFN_vkDestroyDevice
    let getDeviceQueue: PFN_vkGetDeviceQueue
    let deviceWaitIdle: PFN_vkDeviceWaitIdle
    let createBuffer: PFN_vkCreateBuffer
    let destroyBuffer: PFN_vkDestroyBuffer
    let getBufferMemoryRequirements: PFN_vkGetBufferMemoryRequirements
    let allocateMemory: PFN_vkAllocateMemory
    let freeMemory: PFN_vkFreeMemory
    let bindBufferMemory: PFN_vkBindBufferMemory
    let mapMemory: PFN_vkMapMemory
    let unmapMemory: PFN_vkUnmapMemory
    let flushMappedMemoryRanges: PFN_vkFlushMappedMemoryRanges
    let invalidateMappedMemoryRanges: PFN_vkInvalidateMappedMemoryRanges
    let createShaderModule: PFN_vkCreateShaderModule
    let destroyShaderModule: PFN_vkDestroyShaderModule
    let createDescriptorSetLayout: PFN_vkCreateDescriptorSetLayout
    let destroyDescriptorSetLayout: PFN_vkDestroyDescriptorSetLayout
    let createPipelineLayout: PFN_vkCreatePipelineLayout
    let destroyPipelineLayout: PFN_vkDestroyPipelineLayout
    let createComputePipelines: PFN_vkCreateComputePipelines
    let destroyPipeline: PFN_vkDestroyPipeline
    let createDescriptorPool: PFN_vkCreateDescriptorPool
    let destroyDescriptorPool: PFN_vkDestroyDescriptorPool
    let allocateDescriptorSets: PFN_vkAllocateDescriptorSets
    let updateDescriptorSets: PFN_vkUpdateDescriptorSets
    let createCommandPool: PFN_vkCreateCommandPool
    let destroyCommandPool: PFN_vkDestroyCommandPool
    let allocateCommandBuffers: PFN_vkAllocateCommandBuffers
    let beginCommandBuffer: PFN_vkBeginCommandBuffer
    let endCommandBuffer: PFN_vkEndCommandBuffer
    let resetCommandPool: PFN_vkResetCommandPool
    let cmdBindPipeline: PFN_vkCmdBindPipeline
    let cmdBindDescriptorSets: PFN_vkCmdBindDescriptorSets
    let cmdPushConstants: PFN_vkCmdPushConstants
    let cmdDispatch: PFN_vkCmdDispatch
    let cmdPipelineBarrier: PFN_vkCmdPipelineBarrier
    let cmdCopyBuffer: PFN_vkCmdCopyBuffer
    let cmdFillBuffer: PFN_vkCmdFillBuffer
    let cmdResetQueryPool: PFN_vkCmdResetQueryPool
    let cmdWriteTimestamp: PFN_vkCmdWriteTimestamp
    let createQueryPool: PFN_vkCreateQueryPool
    let destroyQueryPool: PFN_vkDestroyQueryPool
    let getQueryPoolResults: PFN_vkGetQueryPoolResults
    let createFence: PFN_vkCreateFence
    let destroyFence: PFN_vkDestroyFence
    let resetFences: PFN_vkResetFences
    let waitForFences: PFN_vkWaitForFences
    let queueSubmit: PFN_vkQueueSubmit

    init(_ get: PFN_vkGetDeviceProcAddr, _ device: VkDevice) throws(VulkanError) {
        destroyDevice = try load(get, device, "vkDestroyDevice")
        getDeviceQueue = try load(get, device, "vkGetDeviceQueue")
        deviceWaitIdle = try load(get, device, "vkDeviceWaitIdle")
        createBuffer = try load(get, device, "vkCreateBuffer")
        destroyBuffer = try load(get, device, "vkDestroyBuffer")
        getBufferMemoryRequirements = try load(get, device, "vkGetBufferMemoryRequirements")
        allocateMemory = try load(get, device, "vkAllocateMemory")
        freeMemory = try load(get, device, "vkFreeMemory")
        bindBufferMemory = try load(get, device, "vkBindBufferMemory")
        mapMemory = try load(get, device, "vkMapMemory")
        unmapMemory = try load(get, device, "vkUnmapMemory")
        flushMappedMemoryRanges = try load(get, device, "vkFlushMappedMemoryRanges")
        invalidateMappedMemoryRanges = try load(get, device, "vkInvalidateMappedMemoryRanges")
        createShaderModule = try load(get, device, "vkCreateShaderModule")
        destroyShaderModule = try load(get, device, "vkDestroyShaderModule")
        createDescriptorSetLayout = try load(get, device, "vkCreateDescriptorSetLayout")
        destroyDescriptorSetLayout = try load(get, device, "vkDestroyDescriptorSetLayout")
        createPipelineLayout = try load(get, device, "vkCreatePipelineLayout")
        destroyPipelineLayout = try load(get, device, "vkDestroyPipelineLayout")
        createComputePipelines = try load(get, device, "vkCreateComputePipelines")
        destroyPipeline = try load(get, device, "vkDestroyPipeline")
        createDescriptorPool = try load(get, device, "vkCreateDescriptorPool")
        destroyDescriptorPool = try load(get, device, "vkDestroyDescriptorPool")
        allocateDescriptorSets = try load(get, device, "vkAllocateDescriptorSets")
        updateDescriptorSets = try load(get, device, "vkUpdateDescriptorSets")
        createCommandPool = try load(get, device, "vkCreateCommandPool")
        destroyCommandPool = try load(get, device, "vkDestroyCommandPool")
        allocateCommandBuffers = try load(get, device, "vkAllocateCommandBuffers")
        beginCommandBuffer = try load(get, device, "vkBeginCommandBuffer")
        endCommandBuffer = try load(get, device, "vkEndCommandBuffer")
        resetCommandPool = try load(get, device, "vkResetCommandPool")
        cmdBindPipeline = try load(get, device, "vkCmdBindPipeline")
        cmdBindDescriptorSets = try load(get, device, "vkCmdBindDescriptorSets")
        cmdPushConstants = try load(get, device, "vkCmdPushConstants")
        cmdDispatch = try load(get, device, "vkCmdDispatch")
        cmdPipelineBarrier = try load(get, device, "vkCmdPipelineBarrier")
        cmdCopyBuffer = try load(get, device, "vkCmdCopyBuffer")
        cmdFillBuffer = try load(get, device, "vkCmdFillBuffer")
        cmdResetQueryPool = try load(get, device, "vkCmdResetQueryPool")
        cmdWriteTimestamp = try load(get, device, "vkCmdWriteTimestamp")
        createQueryPool = try load(get, device, "vkCreateQueryPool")
        destroyQueryPool = try load(get, device, "vkDestroyQueryPool")
        getQueryPoolResults = try load(get, device, "vkGetQueryPoolResults")
        createFence = try load(get, device, "vkCreateFence")
        destroyFence = try load(get, device, "vkDestroyFence")
        resetFences = try load(get, device, "vkResetFences")
        waitForFences = try load(get, device, "vkWaitForFences")
        queueSubmit = try load(get, device, "vkQueueSubmit")
    }
}

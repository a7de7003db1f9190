import CVulkan

/// An opened Vulkan device with one compute queue. Not thread-safe: the one thread that owns it (the
/// engine's) records, submits and waits; that is also what Vulkan asks of a queue.
public final class VulkanDevice: @unchecked Sendable {
    public let info: VulkanDeviceInfo
    let instance: VulkanInstance
    let physical: VkPhysicalDevice
    let handle: VkDevice
    let queue: VkQueue
    let queueFamily: UInt32
    let functions: DeviceFunctions
    let memory: VkPhysicalDeviceMemoryProperties
    /// Offsets of buffer ranges bound as storage buffers must be multiples of this.
    public let storageAlignment: Int
    /// Nanoseconds per timestamp tick.
    let timestampPeriod: Double
    let commandPool: VkCommandPool
    let fence: VkFence

    public init(instance: VulkanInstance, index: Int) throws(VulkanError) {
        guard instance.devices.indices.contains(index) else {
            throw .noDevice("there is no Vulkan device \(index) (`mowai devices` lists \(instance.devices.count))")
        }
        self.instance = instance
        info = instance.devices[index]
        physical = instance.physicalDevices[index]
        let physical = physical, info = info
        guard let queue = QueueChoice.compute(physical, instance.functions) else {
            throw .unsuitable(device: info.name, reason: "it has no compute queue")
        }
        queueFamily = queue.family
        var properties = VkPhysicalDeviceProperties2()
        properties.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2
        var subgroup = VkPhysicalDeviceSubgroupProperties()
        subgroup.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES
        withUnsafeMutablePointer(to: &subgroup) { subgroup in
            properties.pNext = UnsafeMutableRawPointer(subgroup)
            instance.functions.getPhysicalDeviceProperties2(physical, &properties)
        }
        let needed = VK_SUBGROUP_FEATURE_BASIC_BIT.rawValue | VK_SUBGROUP_FEATURE_ARITHMETIC_BIT.rawValue | VK_SUBGROUP_FEATURE_BALLOT_BIT.rawValue
        guard subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT.rawValue != 0, subgroup.supportedOperations & needed == needed else {
            throw .unsuitable(device: info.name, reason: "its compute shaders lack subgroup arithmetic or broadcast")
        }
        storageAlignment = max(4, Int(properties.properties.limits.minStorageBufferOffsetAlignment))
        timestampPeriod = Double(properties.properties.limits.timestampPeriod)
        var memory = VkPhysicalDeviceMemoryProperties()
        instance.functions.getPhysicalDeviceMemoryProperties(physical, &memory)
        self.memory = memory

        var device: VkDevice?
        var priority: Float = 1
        let result = withUnsafePointer(to: &priority) { priority in
            var queueInfo = VkDeviceQueueCreateInfo()
            queueInfo.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO
            queueInfo.queueFamilyIndex = queue.family
            queueInfo.queueCount = 1
            queueInfo.pQueuePriorities = priority
            return withUnsafePointer(to: &queueInfo) { queueInfo in
                var create = VkDeviceCreateInfo()
                create.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO
                create.queueCreateInfoCount = 1
                create.pQueueCreateInfos = queueInfo
                return instance.functions.createDevice(physical, &create, nil, &device)
            }
        }
        try check(result, "vkCreateDevice", device: info.name)
        guard let device else { throw .call("vkCreateDevice", VK_ERROR_INITIALIZATION_FAILED) }
        handle = device
        let functions: DeviceFunctions
        do throws(VulkanError) {
            functions = try DeviceFunctions(instance.functions.getDeviceProcAddr, device)
        } catch {
            if let destroy: PFN_vkDestroyDevice = try? load(instance.functions.getDeviceProcAddr, device, "vkDestroyDevice") { destroy(device, nil) }
            throw error
        }
        self.functions = functions
        var found: VkQueue?
        functions.getDeviceQueue(device, queue.family, 0, &found)
        var pool: VkCommandPool?
        var poolInfo = VkCommandPoolCreateInfo()
        poolInfo.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO
        poolInfo.queueFamilyIndex = queue.family
        poolInfo.flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT.rawValue
        var fence: VkFence?
        var fenceInfo = VkFenceCreateInfo()
        fenceInfo.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO
        guard let found, functions.createCommandPool(device, &poolInfo, nil, &pool) == VK_SUCCESS, let pool,
              functions.createFence(device, &fenceInfo, nil, &fence) == VK_SUCCESS, let fence else {
            functions.destroyDevice(device, nil)
            throw .call("vkCreateCommandPool", VK_ERROR_INITIALIZATION_FAILED)
        }
        self.queue = found
        commandPool = pool
        self.fence = fence
    }

    deinit {
        _ = functions.deviceWaitIdle(handle)
        functions.destroyFence(handle, fence, nil)
        functions.destroyCommandPool(handle, commandPool, nil)
        functions.destroyDevice(handle, nil)
    }

    /// A memory type of `type` bits with all of `required`, preferring one with `preferred` as well.
    func memoryType(bits: UInt32, required: UInt32, preferred: UInt32 = 0) -> UInt32? {
        let types = withUnsafeBytes(of: memory.memoryTypes) { Array($0.bindMemory(to: VkMemoryType.self).prefix(Int(memory.memoryTypeCount))) }
        let candidates = types.indices.filter { bits & (1 << $0) != 0 && types[$0].propertyFlags & required == required }
        return (candidates.first { types[$0].propertyFlags & preferred == preferred } ?? candidates.first).map(UInt32.init)
    }
}

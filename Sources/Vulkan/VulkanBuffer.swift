import CVulkan

/// A buffer and its memory. Device buffers hold weights, activations and the KV cache; host buffers
/// (mapped for their whole life) carry uploads in and logits out.
public final class VulkanBuffer: @unchecked Sendable {
    public enum Location: Sendable {
        /// Where the GPU reads fastest; filled through a host buffer.
        case device
        /// Mapped, written by the CPU and read by the GPU (staging, a step's token list).
        case upload
        /// Mapped and cached, written by the GPU and read by the CPU (logits).
        case readback
    }

    // Strong: the device must outlive what was made from it (its handle destroys them).
    let device: VulkanDevice
    let handle: VkBuffer
    let memory: VkDeviceMemory
    public let bytes: Int
    /// The buffer's bytes, for host buffers.
    public let contents: UnsafeMutableRawPointer?
    private let coherent: Bool

    public init(device: VulkanDevice, bytes: Int, location: Location) throws(VulkanError) {
        self.device = device
        self.bytes = bytes
        let f = device.functions
        var info = VkBufferCreateInfo()
        info.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO
        info.size = VkDeviceSize(max(bytes, 4))
        info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT.rawValue | VK_BUFFER_USAGE_TRANSFER_SRC_BIT.rawValue | VK_BUFFER_USAGE_TRANSFER_DST_BIT.rawValue
        info.sharingMode = VK_SHARING_MODE_EXCLUSIVE
        var buffer: VkBuffer?
        try check(f.createBuffer(device.handle, &info, nil, &buffer), "vkCreateBuffer", device: device.info.name)
        guard let buffer else { throw .call("vkCreateBuffer", VK_ERROR_INITIALIZATION_FAILED) }
        var requirements = VkMemoryRequirements()
        f.getBufferMemoryRequirements(device.handle, buffer, &requirements)
        let hostVisible = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT.rawValue, hostCoherent = VK_MEMORY_PROPERTY_HOST_COHERENT_BIT.rawValue
        let deviceLocal = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT.rawValue, hostCached = VK_MEMORY_PROPERTY_HOST_CACHED_BIT.rawValue
        let type: UInt32? = switch location {
        case .device: device.memoryType(bits: requirements.memoryTypeBits, required: deviceLocal)
            ?? device.memoryType(bits: requirements.memoryTypeBits, required: 0)
        case .upload: device.memoryType(bits: requirements.memoryTypeBits, required: hostVisible | hostCoherent)
            ?? device.memoryType(bits: requirements.memoryTypeBits, required: hostVisible)
        case .readback: device.memoryType(bits: requirements.memoryTypeBits, required: hostVisible, preferred: hostCached | hostCoherent)
        }
        guard let type else {
            f.destroyBuffer(device.handle, buffer, nil)
            throw .unsuitable(device: device.info.name, reason: "no memory type for \(location) buffers")
        }
        var allocation = VkMemoryAllocateInfo()
        allocation.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO
        allocation.allocationSize = requirements.size
        allocation.memoryTypeIndex = type
        var memory: VkDeviceMemory?
        let allocated = f.allocateMemory(device.handle, &allocation, nil, &memory)
        guard allocated == VK_SUCCESS, let memory else {
            f.destroyBuffer(device.handle, buffer, nil)
            if allocated == VK_ERROR_OUT_OF_DEVICE_MEMORY || allocated == VK_ERROR_OUT_OF_HOST_MEMORY {
                throw .outOfMemory(device: device.info.name, bytes: bytes)
            }
            throw .call("vkAllocateMemory", allocated)
        }
        guard f.bindBufferMemory(device.handle, buffer, memory, 0) == VK_SUCCESS else {
            f.freeMemory(device.handle, memory, nil)
            f.destroyBuffer(device.handle, buffer, nil)
            throw .call("vkBindBufferMemory", VK_ERROR_INITIALIZATION_FAILED)
        }
        handle = buffer
        self.memory = memory
        let flags = withUnsafeBytes(of: device.memory.memoryTypes) { $0.bindMemory(to: VkMemoryType.self)[Int(type)].propertyFlags }
        coherent = flags & hostCoherent != 0
        if location != .device {
            var mapped: UnsafeMutableRawPointer?
            guard f.mapMemory(device.handle, memory, 0, VkDeviceSize(VK_WHOLE_SIZE), 0, &mapped) == VK_SUCCESS, let mapped else {
                f.freeMemory(device.handle, memory, nil)
                f.destroyBuffer(device.handle, buffer, nil)
                throw .call("vkMapMemory", VK_ERROR_MEMORY_MAP_FAILED)
            }
            contents = mapped
        } else {
            contents = nil
        }
    }

    deinit {
        let f = device.functions
        if contents != nil { f.unmapMemory(device.handle, memory) }
        f.destroyBuffer(device.handle, handle, nil)
        f.freeMemory(device.handle, memory, nil)
    }

    /// Makes the CPU's writes visible to the GPU (a no-op on coherent memory).
    public func flush() {
        guard !coherent else { return }
        var range = VkMappedMemoryRange()
        range.sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE
        range.memory = memory
        range.size = VkDeviceSize(VK_WHOLE_SIZE)
        _ = device.functions.flushMappedMemoryRanges(device.handle, 1, &range)
    }

    /// Makes the GPU's writes visible to the CPU (a no-op on coherent memory).
    public func invalidate() {
        guard !coherent else { return }
        var range = VkMappedMemoryRange()
        range.sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE
        range.memory = memory
        range.size = VkDeviceSize(VK_WHOLE_SIZE)
        _ = device.functions.invalidateMappedMemoryRanges(device.handle, 1, &range)
    }
}

/// A part of a buffer, as a shader binding sees it.
public struct BufferRange: @unchecked Sendable {
    public let buffer: VulkanBuffer
    public let offset: Int
    public let bytes: Int

    public init(_ buffer: VulkanBuffer, offset: Int = 0, bytes: Int? = nil) {
        self.buffer = buffer
        self.offset = offset
        self.bytes = bytes ?? buffer.bytes - offset
    }
}

import CVulkan

/// A compute shader ready to dispatch: its SPIR-V with specialization constants (workgroup and subgroup
/// sizes chosen per device), `bindings` storage buffers, and `pushConstantBytes` of push constants.
public final class ComputePipeline: @unchecked Sendable {
    // Strong: the device must outlive what was made from it (its handle destroys them).
    let device: VulkanDevice
    public let name: String
    public let bindings: Int
    public let pushConstantBytes: Int
    let setLayout: VkDescriptorSetLayout
    let layout: VkPipelineLayout
    let handle: VkPipeline

    public init(device: VulkanDevice, name: String, spirv: UnsafeBufferPointer<UInt32>, bindings: Int, pushConstantBytes: Int,
                specialization: [UInt32] = []) throws(VulkanError) {
        self.device = device
        self.name = name
        self.bindings = bindings
        self.pushConstantBytes = pushConstantBytes
        let f = device.functions, d = device.handle
        let failure = { (call: StaticString, result: VkResult) -> VulkanError in
            result == VK_ERROR_DEVICE_LOST ? .deviceLost(device: device.info.name) : .call("\(call) (\(name))", result)
        }

        var module: VkShaderModule?
        var moduleInfo = VkShaderModuleCreateInfo()
        moduleInfo.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO
        moduleInfo.codeSize = spirv.count * 4
        moduleInfo.pCode = spirv.baseAddress
        var result = f.createShaderModule(d, &moduleInfo, nil, &module)
        guard result == VK_SUCCESS, let module else { throw failure("vkCreateShaderModule", result) }
        defer { f.destroyShaderModule(d, module, nil) }

        var layoutBindings = (0..<bindings).map { index in
            var binding = VkDescriptorSetLayoutBinding()
            binding.binding = UInt32(index)
            binding.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER
            binding.descriptorCount = 1
            binding.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT.rawValue
            return binding
        }
        var setLayout: VkDescriptorSetLayout?
        result = layoutBindings.withUnsafeMutableBufferPointer { layoutBindings in
            var info = VkDescriptorSetLayoutCreateInfo()
            info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO
            info.bindingCount = UInt32(bindings)
            info.pBindings = UnsafePointer(layoutBindings.baseAddress)
            return f.createDescriptorSetLayout(d, &info, nil, &setLayout)
        }
        guard result == VK_SUCCESS, let setLayout else { throw failure("vkCreateDescriptorSetLayout", result) }

        var layout: VkPipelineLayout?
        var pushRange = VkPushConstantRange()
        pushRange.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT.rawValue
        pushRange.size = UInt32(pushConstantBytes)
        var setLayouts: VkDescriptorSetLayout? = setLayout
        result = withUnsafePointer(to: &pushRange) { pushRange in
            withUnsafePointer(to: &setLayouts) { setLayouts in
                var info = VkPipelineLayoutCreateInfo()
                info.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO
                info.setLayoutCount = 1
                info.pSetLayouts = setLayouts
                info.pushConstantRangeCount = pushConstantBytes > 0 ? 1 : 0
                info.pPushConstantRanges = pushRange
                return f.createPipelineLayout(d, &info, nil, &layout)
            }
        }
        guard result == VK_SUCCESS, let layout else {
            f.destroyDescriptorSetLayout(d, setLayout, nil)
            throw failure("vkCreatePipelineLayout", result)
        }

        var pipeline: VkPipeline?
        var entries = specialization.indices.map { index in
            VkSpecializationMapEntry(constantID: UInt32(index), offset: UInt32(index * 4), size: 4)
        }
        var values = specialization
        result = "main".withCString { entryName in
            entries.withUnsafeMutableBufferPointer { entries in
                values.withUnsafeMutableBytes { values in
                    var special = VkSpecializationInfo()
                    special.mapEntryCount = UInt32(entries.count)
                    special.pMapEntries = UnsafePointer(entries.baseAddress)
                    special.dataSize = values.count
                    special.pData = UnsafeRawPointer(values.baseAddress)
                    return withUnsafePointer(to: &special) { special in
                        var stage = VkPipelineShaderStageCreateInfo()
                        stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO
                        stage.stage = VK_SHADER_STAGE_COMPUTE_BIT
                        stage.module = module
                        stage.pName = entryName
                        stage.pSpecializationInfo = specialization.isEmpty ? nil : special
                        var info = VkComputePipelineCreateInfo()
                        info.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO
                        info.stage = stage
                        info.layout = layout
                        return f.createComputePipelines(d, nil, 1, &info, nil, &pipeline)
                    }
                }
            }
        }
        guard result == VK_SUCCESS, let pipeline else {
            f.destroyPipelineLayout(d, layout, nil)
            f.destroyDescriptorSetLayout(d, setLayout, nil)
            throw failure("vkCreateComputePipelines", result)
        }
        self.setLayout = setLayout
        self.layout = layout
        handle = pipeline
    }

    deinit {
        let f = device.functions, d = device.handle
        f.destroyPipeline(d, handle, nil)
        f.destroyPipelineLayout(d, layout, nil)
        f.destroyDescriptorSetLayout(d, setLayout, nil)
    }
}

/// Descriptor sets for one program's dispatches, written once: each binds fixed buffer ranges, so a
/// forward step records without touching descriptors.
public final class DescriptorPool: @unchecked Sendable {
    // Strong: the device must outlive what was made from it (its handle destroys them).
    let device: VulkanDevice
    let handle: VkDescriptorPool

    public init(device: VulkanDevice, sets: Int, buffers: Int) throws(VulkanError) {
        self.device = device
        var size = VkDescriptorPoolSize(type: VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, descriptorCount: UInt32(max(1, buffers)))
        var info = VkDescriptorPoolCreateInfo()
        info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO
        info.maxSets = UInt32(max(1, sets))
        info.poolSizeCount = 1
        var pool: VkDescriptorPool?
        let result = withUnsafePointer(to: &size) { size in
            info.pPoolSizes = size
            return device.functions.createDescriptorPool(device.handle, &info, nil, &pool)
        }
        try check(result, "vkCreateDescriptorPool", device: device.info.name)
        guard let pool else { throw .call("vkCreateDescriptorPool", VK_ERROR_INITIALIZATION_FAILED) }
        handle = pool
    }

    deinit { device.functions.destroyDescriptorPool(device.handle, handle, nil) }

    /// A set binding `ranges` to `pipeline`'s bindings 0, 1, …
    public func makeSet(for pipeline: ComputePipeline, binding ranges: [BufferRange]) throws(VulkanError) -> DescriptorSet {
        precondition(ranges.count == pipeline.bindings, "\(pipeline.name) takes \(pipeline.bindings) buffers, got \(ranges.count)")
        var set: VkDescriptorSet?
        var layout: VkDescriptorSetLayout? = pipeline.setLayout
        let result = withUnsafePointer(to: &layout) { layout in
            var info = VkDescriptorSetAllocateInfo()
            info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO
            info.descriptorPool = handle
            info.descriptorSetCount = 1
            info.pSetLayouts = layout
            return device.functions.allocateDescriptorSets(device.handle, &info, &set)
        }
        try check(result, "vkAllocateDescriptorSets", device: device.info.name)
        guard let set else { throw .call("vkAllocateDescriptorSets", VK_ERROR_OUT_OF_POOL_MEMORY) }
        var infos = ranges.map { VkDescriptorBufferInfo(buffer: $0.buffer.handle, offset: VkDeviceSize($0.offset), range: VkDeviceSize($0.bytes)) }
        infos.withUnsafeMutableBufferPointer { infos in
            var writes = (0..<ranges.count).map { index in
                var write = VkWriteDescriptorSet()
                write.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET
                write.dstSet = set
                write.dstBinding = UInt32(index)
                write.descriptorCount = 1
                write.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER
                write.pBufferInfo = UnsafePointer(infos.baseAddress! + index)
                return write
            }
            device.functions.updateDescriptorSets(device.handle, UInt32(writes.count), &writes, 0, nil)
        }
        return DescriptorSet(handle: set, pipeline: pipeline, ranges: ranges)
    }
}

/// A pipeline's buffers, bound. Keeps the buffers alive as long as the set may be used.
public struct DescriptorSet: @unchecked Sendable {
    let handle: VkDescriptorSet
    public let pipeline: ComputePipeline
    let ranges: [BufferRange]
}

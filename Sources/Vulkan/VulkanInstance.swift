import CVulkan

/// A Vulkan instance and the devices it sees. Devices are listed without being opened.
public final class VulkanInstance: @unchecked Sendable {
    let library: VulkanLibrary
    let handle: VkInstance
    let functions: InstanceFunctions
    let physicalDevices: [VkPhysicalDevice]
    public let devices: [VulkanDeviceInfo]

    struct InstanceFunctions {
        let destroyInstance: PFN_vkDestroyInstance
        let enumeratePhysicalDevices: PFN_vkEnumeratePhysicalDevices
        let getPhysicalDeviceProperties2: PFN_vkGetPhysicalDeviceProperties2
        let getPhysicalDeviceFeatures2: PFN_vkGetPhysicalDeviceFeatures2
        let getPhysicalDeviceMemoryProperties: PFN_vkGetPhysicalDeviceMemoryProperties
        let getPhysicalDeviceQueueFamilyProperties: PFN_vkGetPhysicalDeviceQueueFamilyProperties
        let createDevice: PFN_vkCreateDevice
        let getDeviceProcAddr: PFN_vkGetDeviceProcAddr

        init(_ get: PFN_vkGetInstanceProcAddr, _ instance: VkInstance) throws(VulkanError) {
            destroyInstance = try load(get, instance, "vkDestroyInstance")
            enumeratePhysicalDevices = try load(get, instance, "vkEnumeratePhysicalDevices")
            getPhysicalDeviceProperties2 = try load(get, instance, "vkGetPhysicalDeviceProperties2")
            getPhysicalDeviceFeatures2 = try load(get, instance, "vkGetPhysicalDeviceFeatures2")
            getPhysicalDeviceMemoryProperties = try load(get, instance, "vkGetPhysicalDeviceMemoryProperties")
            getPhysicalDeviceQueueFamilyProperties = try load(get, instance, "vkGetPhysicalDeviceQueueFamilyProperties")
            createDevice = try load(get, instance, "vkCreateDevice")
            getDeviceProcAddr = try load(get, instance, "vkGetDeviceProcAddr")
        }
    }

    /// Vulkan 1.2 is asked for (16-bit and 8-bit storage, subgroup size, driver names are core there).
    public init() throws(VulkanError) {
        let library = try VulkanLibrary.shared()
        self.library = library
        let version = library.instanceVersion()
        guard version.major > 1 || version.minor >= 2 else {
            throw .noDevice("the Vulkan loader supports only Vulkan \(version.major).\(version.minor); mowai needs 1.2")
        }
        var instance: VkInstance?
        let result = "mowai".withCString { name in
            var application = VkApplicationInfo()
            application.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO
            application.pApplicationName = name
            application.pEngineName = name
            application.apiVersion = mowai_vk_make_api_version(0, 1, 2, 0)
            return withUnsafePointer(to: &application) { application in
                var info = VkInstanceCreateInfo()
                info.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO
                info.pApplicationInfo = application
                return library.createInstance(&info, nil, &instance)
            }
        }
        try check(result, "vkCreateInstance")
        guard let instance else { throw .call("vkCreateInstance", VK_ERROR_INITIALIZATION_FAILED) }
        handle = instance
        do throws(VulkanError) {
            functions = try InstanceFunctions(library.getInstanceProcAddr, instance)
        } catch {
            if let destroy: PFN_vkDestroyInstance = try? load(library.getInstanceProcAddr, instance, "vkDestroyInstance") { destroy(instance, nil) }
            throw error
        }
        var count: UInt32 = 0
        _ = functions.enumeratePhysicalDevices(instance, &count, nil)
        var found = [VkPhysicalDevice?](repeating: nil, count: Int(count))
        _ = functions.enumeratePhysicalDevices(instance, &count, &found)
        physicalDevices = found.prefix(Int(count)).compactMap { $0 }
        let functions = functions
        devices = physicalDevices.enumerated().map { index, device in Self.describe(device, index: index, functions) }
    }

    deinit { functions.destroyInstance(handle, nil) }

    private static func describe(_ device: VkPhysicalDevice, index: Int, _ functions: InstanceFunctions) -> VulkanDeviceInfo {
        var subgroup = VkPhysicalDeviceSubgroupProperties()
        subgroup.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES
        var driver = VkPhysicalDeviceDriverProperties()
        driver.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES
        var properties = VkPhysicalDeviceProperties2()
        properties.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2
        withUnsafeMutablePointer(to: &driver) { driver in
            subgroup.pNext = UnsafeMutableRawPointer(driver)
            withUnsafeMutablePointer(to: &subgroup) { subgroup in
                properties.pNext = UnsafeMutableRawPointer(subgroup)
                functions.getPhysicalDeviceProperties2(device, &properties)
            }
        }
        let features = DeviceFeatures.query(device, functions)
        var memory = VkPhysicalDeviceMemoryProperties()
        functions.getPhysicalDeviceMemoryProperties(device, &memory)
        let heaps = withUnsafeBytes(of: memory.memoryHeaps) { raw in
            raw.bindMemory(to: VkMemoryHeap.self).prefix(Int(memory.memoryHeapCount)).map { heap in
                VulkanDeviceInfo.Heap(bytes: Int(heap.size), deviceLocal: heap.flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT.rawValue != 0)
            }
        }
        let limits = properties.properties.limits
        let kind: VulkanDeviceInfo.Kind = switch properties.properties.deviceType {
        case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: .discrete
        case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: .integrated
        case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: .virtual
        case VK_PHYSICAL_DEVICE_TYPE_CPU: .cpu
        default: .other
        }
        let api = properties.properties.apiVersion
        let driverName = string(driver.driverName), driverInfo = string(driver.driverInfo)
        let queue = QueueChoice.compute(device, functions)
        return VulkanDeviceInfo(
            index: index, name: string(properties.properties.deviceName), kind: kind,
            driver: driverInfo.isEmpty ? driverName : "\(driverName) \(driverInfo)",
            apiVersion: "\(mowai_vk_api_version_major(api)).\(mowai_vk_api_version_minor(api)).\(mowai_vk_api_version_patch(api))",
            heaps: heaps, subgroupSize: Int(subgroup.subgroupSize), float16: features.float16, int8: features.int8,
            maxStorageBufferRange: Int(limits.maxStorageBufferRange), maxWorkgroupInvocations: Int(limits.maxComputeWorkGroupInvocations),
            timestamps: queue.map { $0.timestampBits > 0 && limits.timestampPeriod > 0 } ?? false)
    }
}

/// A fixed-size C character array as a String.
func string<Tuple>(_ tuple: Tuple) -> String {
    withUnsafeBytes(of: tuple) { raw in
        let bytes = raw.prefix { $0 != 0 }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The optional features mowai's kernels use when a device has them.
struct DeviceFeatures {
    var float16 = false
    var int8 = false
    var storage16 = false
    var storage8 = false

    static func query(_ device: VkPhysicalDevice, _ functions: VulkanInstance.InstanceFunctions) -> DeviceFeatures {
        var vulkan12 = VkPhysicalDeviceVulkan12Features()
        vulkan12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES
        var vulkan11 = VkPhysicalDeviceVulkan11Features()
        vulkan11.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES
        var features = VkPhysicalDeviceFeatures2()
        features.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2
        withUnsafeMutablePointer(to: &vulkan12) { vulkan12 in
            vulkan11.pNext = UnsafeMutableRawPointer(vulkan12)
            withUnsafeMutablePointer(to: &vulkan11) { vulkan11 in
                features.pNext = UnsafeMutableRawPointer(vulkan11)
                functions.getPhysicalDeviceFeatures2(device, &features)
            }
        }
        return DeviceFeatures(float16: vulkan12.shaderFloat16 != 0, int8: vulkan12.shaderInt8 != 0,
                              storage16: vulkan11.storageBuffer16BitAccess != 0, storage8: vulkan12.storageBuffer8BitAccess != 0)
    }
}

/// The queue family compute work goes to: one with compute (preferably without graphics, a card's
/// dedicated compute queues), and whether it has timestamps.
struct QueueChoice {
    let family: UInt32
    let timestampBits: UInt32

    static func compute(_ device: VkPhysicalDevice, _ functions: VulkanInstance.InstanceFunctions) -> QueueChoice? {
        var count: UInt32 = 0
        functions.getPhysicalDeviceQueueFamilyProperties(device, &count, nil)
        var families = [VkQueueFamilyProperties](repeating: VkQueueFamilyProperties(), count: Int(count))
        functions.getPhysicalDeviceQueueFamilyProperties(device, &count, &families)
        let compute = families.prefix(Int(count)).enumerated().filter { $0.element.queueFlags & VK_QUEUE_COMPUTE_BIT.rawValue != 0 }
        let chosen = compute.first { $0.element.queueFlags & VK_QUEUE_GRAPHICS_BIT.rawValue == 0 } ?? compute.first
        return chosen.map { QueueChoice(family: UInt32($0.offset), timestampBits: $0.element.timestampValidBits) }
    }
}

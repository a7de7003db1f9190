import CVulkan

/// Why Vulkan could not be used, worded for the one-line notice that sends the model to the CPU.
public enum VulkanError: Error, Equatable, CustomStringConvertible {
    /// libvulkan.so.1 could not be opened (no loader installed).
    case noLoader(String)
    /// The loader is there but lacks a function mowai needs (a loader older than Vulkan 1.1).
    case missingFunction(String)
    /// A Vulkan call failed.
    case call(String, VkResult)
    /// No device, or not the one asked for.
    case noDevice(String)
    /// The device cannot run mowai's kernels (a feature or limit it lacks).
    case unsuitable(device: String, reason: String)
    /// Nothing in the device's memory fits what was asked.
    case outOfMemory(device: String, bytes: Int)
    /// The device stopped answering (a driver reset, a GPU hang, the device unplugged).
    case deviceLost(device: String)

    public var description: String {
        switch self {
        case .noLoader(let detail): "no Vulkan loader (libvulkan.so.1: \(detail)); install libvulkan1 and a driver (mesa-vulkan-drivers)"
        case .missingFunction(let name): "the Vulkan loader lacks \(name) (Vulkan 1.1 or later is needed)"
        case .call(let name, let result): "\(name) failed: \(VulkanError.name(of: result))"
        case .noDevice(let detail): detail
        case .unsuitable(let device, let reason): "\(device) cannot run mowai's kernels: \(reason)"
        case .outOfMemory(let device, let bytes): "\(device) has no room for \(VulkanError.megabytes(bytes)) more"
        case .deviceLost(let device): "\(device) was lost (driver reset or GPU fault)"
        }
    }

    public static func megabytes(_ bytes: Int) -> String {
        bytes >= 1 << 30 ? "\((Double(bytes) / Double(1 << 30) * 10).rounded() / 10) GiB" : "\(bytes >> 20) MiB"
    }

    /// The result's name as the specification spells it.
    public static func name(of result: VkResult) -> String {
        switch result {
        case VK_SUCCESS: "VK_SUCCESS"
        case VK_NOT_READY: "VK_NOT_READY"
        case VK_TIMEOUT: "VK_TIMEOUT"
        case VK_INCOMPLETE: "VK_INCOMPLETE"
        case VK_ERROR_OUT_OF_HOST_MEMORY: "VK_ERROR_OUT_OF_HOST_MEMORY"
        case VK_ERROR_OUT_OF_DEVICE_MEMORY: "VK_ERROR_OUT_OF_DEVICE_MEMORY"
        case VK_ERROR_INITIALIZATION_FAILED: "VK_ERROR_INITIALIZATION_FAILED"
        case VK_ERROR_DEVICE_LOST: "VK_ERROR_DEVICE_LOST"
        case VK_ERROR_MEMORY_MAP_FAILED: "VK_ERROR_MEMORY_MAP_FAILED"
        case VK_ERROR_LAYER_NOT_PRESENT: "VK_ERROR_LAYER_NOT_PRESENT"
        case VK_ERROR_EXTENSION_NOT_PRESENT: "VK_ERROR_EXTENSION_NOT_PRESENT"
        case VK_ERROR_FEATURE_NOT_PRESENT: "VK_ERROR_FEATURE_NOT_PRESENT"
        case VK_ERROR_INCOMPATIBLE_DRIVER: "VK_ERROR_INCOMPATIBLE_DRIVER (no Vulkan driver is installed)"
        case VK_ERROR_TOO_MANY_OBJECTS: "VK_ERROR_TOO_MANY_OBJECTS"
        case VK_ERROR_FORMAT_NOT_SUPPORTED: "VK_ERROR_FORMAT_NOT_SUPPORTED"
        case VK_ERROR_FRAGMENTED_POOL: "VK_ERROR_FRAGMENTED_POOL"
        case VK_ERROR_OUT_OF_POOL_MEMORY: "VK_ERROR_OUT_OF_POOL_MEMORY"
        case VK_ERROR_INVALID_SHADER_NV: "VK_ERROR_INVALID_SHADER_NV"
        default: "VkResult \(result.rawValue)"
        }
    }
}

/// Throws unless the call succeeded; out-of-memory and device-lost become their own cases.
@inline(__always)
func check(_ result: VkResult, _ call: StaticString, device: String = "the Vulkan device") throws(VulkanError) {
    guard result != VK_SUCCESS else { return }
    switch result {
    case VK_ERROR_DEVICE_LOST: throw .deviceLost(device: device)
    default: throw .call("\(call)", result)
    }
}

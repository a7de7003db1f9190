import CVulkan
#if canImport(Glibc)
import Glibc
#endif

/// The Vulkan loader, opened at run time. mowai does not link libvulkan: without it (or without a
/// driver) the engine runs on the CPU and says why, instead of failing to start.
public final class VulkanLibrary: @unchecked Sendable {
    let getInstanceProcAddr: PFN_vkGetInstanceProcAddr
    let createInstance: PFN_vkCreateInstance
    let enumerateInstanceVersion: PFN_vkEnumerateInstanceVersion

    private static let opened: Result<VulkanLibrary, VulkanError> = {
        // The soname, as applications are meant to open it; MOWAI_VULKAN_LOADER names another (tests
        // point it at nothing to see the CPU fallback).
        let name = getenv("MOWAI_VULKAN_LOADER").map { String(cString: $0) } ?? "libvulkan.so.1"
        guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
            return .failure(.noLoader(dlerror().map { String(cString: $0) } ?? "not found"))
        }
        guard let symbol = dlsym(handle, "vkGetInstanceProcAddr") else { return .failure(.missingFunction("vkGetInstanceProcAddr")) }
        let getInstanceProcAddr = unsafeBitCast(symbol, to: PFN_vkGetInstanceProcAddr.self)
        do throws(VulkanError) {
            return .success(VulkanLibrary(
                getInstanceProcAddr: getInstanceProcAddr,
                createInstance: try load(getInstanceProcAddr, nil, "vkCreateInstance"),
                enumerateInstanceVersion: try load(getInstanceProcAddr, nil, "vkEnumerateInstanceVersion")))
        } catch {
            return .failure(error)
        }
    }()

    private init(getInstanceProcAddr: PFN_vkGetInstanceProcAddr, createInstance: PFN_vkCreateInstance,
                 enumerateInstanceVersion: PFN_vkEnumerateInstanceVersion) {
        self.getInstanceProcAddr = getInstanceProcAddr
        self.createInstance = createInstance
        self.enumerateInstanceVersion = enumerateInstanceVersion
    }

    /// The process's loader, opened once.
    public static func shared() throws(VulkanError) -> VulkanLibrary { try opened.get() }

    /// The highest Vulkan version the loader supports.
    public func instanceVersion() -> (major: UInt32, minor: UInt32) {
        var version: UInt32 = 0
        guard enumerateInstanceVersion(&version) == VK_SUCCESS else { return (1, 0) }
        return (mowai_vk_api_version_major(version), mowai_vk_api_version_minor(version))
    }
}

/// A function of `instance` (nil: a global one) by name, typed.
func load<Function>(_ getInstanceProcAddr: PFN_vkGetInstanceProcAddr, _ instance: VkInstance?, _ name: String,
                    as type: Function.Type = Function.self) throws(VulkanError) -> Function {
    guard let function = name.withCString({ getInstanceProcAddr(instance, $0) }) else { throw .missingFunction(name) }
    return unsafeBitCast(function, to: Function.self)
}

/// A device-level function by name, typed (skips the loader's dispatch on every call).
func load<Function>(_ getDeviceProcAddr: PFN_vkGetDeviceProcAddr, _ device: VkDevice, _ name: String,
                    as type: Function.Type = Function.self) throws(VulkanError) -> Function {
    guard let function = name.withCString({ getDeviceProcAddr(device, $0) }) else { throw .missingFunction(name) }
    return unsafeBitCast(function, to: Function.self)
}

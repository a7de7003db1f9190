import Foundation
import Vulkan
@testable import VulkanInference

/// The device the suite runs on: MOWAI_TEST_VULKAN_DEVICE's index, else the first CPU-type device
/// (lavapipe, which `make setup` installs), else device 0. No device is a failure, not a skip: the suite
/// exists to check the kernels, and a silently skipped suite checks nothing.
enum TestDevice {
    static func open() throws -> VulkanDevice {
        let instance = try VulkanInstance()
        let index = ProcessInfo.processInfo.environment["MOWAI_TEST_VULKAN_DEVICE"].flatMap(Int.init)
            ?? instance.devices.first { $0.kind == .cpu }?.index ?? 0
        return try VulkanDevice(instance: instance, index: index)
    }

    /// The kernels' shapes for this device, and the shapes a discrete GPU with this device's subgroup
    /// size would get: lavapipe runs both, so the GPU path is checked here too.
    static func tunings(for device: VulkanDevice) -> [(String, KernelTuning)] {
        var gpu = device.info
        gpu.kind = .discrete
        let own = KernelTuning.for(device.info), other = KernelTuning.for(gpu)
        return own == other ? [("device", own)] : [("device", own), ("GPU", other)]
    }
}

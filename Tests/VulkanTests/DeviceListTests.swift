import Testing
import Vulkan

@Suite("Vulkan devices")
struct DeviceListTests {
    @Test("every device is listed with its name, type, memory and subgroup size; lavapipe as a CPU device")
    func lists() throws {
        let devices = try VulkanInstance().devices
        #expect(!devices.isEmpty, "make setup installs mesa-vulkan-drivers (lavapipe)")
        for device in devices {
            #expect(!device.name.isEmpty && !device.driver.isEmpty && device.apiVersion.hasPrefix("1."))
            #expect(device.deviceLocalBytes > 0 && device.subgroupSize >= 1 && device.maxStorageBufferRange > 0)
        }
        let lavapipe = try #require(devices.first { $0.name.hasPrefix("llvmpipe") }, "lavapipe is listed")
        #expect(lavapipe.kind == .cpu && lavapipe.subgroupSize >= 4 && lavapipe.float16 && lavapipe.timestamps)
    }
}

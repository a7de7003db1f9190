import Testing
import Vulkan

@Suite("Vulkan devices")
struct DeviceListTests {
    @Test("lavapipe is listed as a CPU device with its limits")
    func lists() throws {
        let instance = try VulkanInstance()
        for device in instance.devices { print(device) }
        #expect(!instance.devices.isEmpty)
    }
}

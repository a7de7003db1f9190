import Inference
import Vulkan

/// Turns `--device` into the backend factory a `LocalLLM` takes: nil means the CPU backend, and
/// `notices` hears, in one line, why a GPU was not used when one was asked for or expected.
public enum Accelerator {
    public static func factory(for choice: DeviceChoice, profiling: Bool = false,
                               notices: @escaping @Sendable (String) -> Void) -> BackendFactory? {
        if choice == .cpu { return nil }
        let instance: VulkanInstance
        do {
            instance = try VulkanInstance()
        } catch {
            notices("\(error); the model runs on the CPU")
            return nil
        }
        switch choice.resolve(instance.devices) {
        case .cpu(let reason, let notice):
            if notice { notices("\(reason); the model runs on the CPU") }
            return nil
        case .vulkan(let index):
            return { model, shape in
                let device = try VulkanDevice(instance: instance, index: index)
                return try VulkanBackend(model: model, device: device, shape: shape, profiling: profiling)
            }
        }
    }

    /// The devices the loader lists, or why there are none to list.
    public static func devices() -> Result<[VulkanDeviceInfo], VulkanError> {
        Result { () throws(VulkanError) in try VulkanInstance().devices }
    }
}

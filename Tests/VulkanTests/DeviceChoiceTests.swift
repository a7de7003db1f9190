import Testing
import Vulkan
@testable import VulkanInference

/// `--device` parsing and what each choice resolves to, over made-up device lists (no driver needed).
@Suite("Device choice")
struct DeviceChoiceTests {
    static func device(_ index: Int, _ kind: VulkanDeviceInfo.Kind, memory: Int = 8 << 30, name: String? = nil) -> VulkanDeviceInfo {
        VulkanDeviceInfo(index: index, name: name ?? "\(kind.rawValue) \(index)", kind: kind, driver: "test", apiVersion: "1.3.0",
                         heaps: [.init(bytes: memory, deviceLocal: true)], subgroupSize: 32, float16: true, int8: true,
                         maxStorageBufferRange: 1 << 30, maxWorkgroupInvocations: 1024, timestamps: true)
    }

    @Test("--device takes auto, cpu, vulkan and vulkan:N, and nothing else")
    func parsing() {
        #expect(DeviceChoice(parsing: "auto") == .auto)
        #expect(DeviceChoice(parsing: "CPU") == .cpu)
        #expect(DeviceChoice(parsing: "vulkan") == .vulkan(index: nil))
        #expect(DeviceChoice(parsing: "vulkan:0") == .vulkan(index: 0))
        #expect(DeviceChoice(parsing: "vulkan:12") == .vulkan(index: 12))
        for bad in ["", "gpu:1", "vulkan:", "vulkan:-1", "vulkan:x", "vulkan:99999", "vulkan:١", "cuda", "vulkan:0:1"] {
            #expect(DeviceChoice(parsing: bad) == nil, "\(bad.debugDescription) is refused")
        }
        for choice in [DeviceChoice.auto, .cpu, .vulkan(index: nil), .vulkan(index: 3)] {
            #expect(DeviceChoice(parsing: choice.description) == choice)
        }
    }

    @Test("auto prefers a discrete GPU, then an integrated one, then the larger; a CPU-type device only when asked")
    func resolution() {
        let lavapipe = Self.device(0, .cpu, name: "llvmpipe")
        let integrated = Self.device(1, .integrated)
        let small = Self.device(2, .discrete, memory: 4 << 30), large = Self.device(3, .discrete, memory: 24 << 30)
        #expect(DeviceChoice.auto.resolve([lavapipe, integrated, small, large]) == .vulkan(index: 3))
        #expect(DeviceChoice.auto.resolve([lavapipe, integrated]) == .vulkan(index: 1))
        #expect(DeviceChoice.vulkan(index: nil).resolve([lavapipe, integrated]) == .vulkan(index: 1))
        guard case .cpu(let reason, let notice) = DeviceChoice.auto.resolve([lavapipe]) else {
            Issue.record("lavapipe alone: auto keeps the CPU backend")
            return
        }
        #expect(!notice && reason.contains("llvmpipe") && reason.contains("--device vulkan"), "\(reason)")
        #expect(DeviceChoice.vulkan(index: nil).resolve([lavapipe]) == .vulkan(index: 0))
        #expect(DeviceChoice.vulkan(index: 0).resolve([lavapipe, integrated]) == .vulkan(index: 0))
        #expect(DeviceChoice.cpu.resolve([large]) == .cpu(reason: "--device cpu", notice: false))
    }

    @Test("no device, or not the one named: the CPU backend, with a notice saying why")
    func missing() {
        for choice in [DeviceChoice.auto, .vulkan(index: nil)] {
            guard case .cpu(let reason, true) = choice.resolve([]) else {
                Issue.record("\(choice) with no devices")
                continue
            }
            #expect(reason.contains("no device"), "\(reason)")
        }
        guard case .cpu(let reason, true) = DeviceChoice.vulkan(index: 4).resolve([Self.device(0, .discrete)]) else {
            Issue.record("vulkan:4 of one device")
            return
        }
        #expect(reason.contains("no Vulkan device 4") && reason.contains("lists 1"), "\(reason)")
    }

    @Test("a CPU device gets one SIMD width per workgroup and the broadcast kernel for single tokens; a GPU wide workgroups")
    func tuning() {
        var lavapipe = Self.device(0, .cpu)
        lavapipe.subgroupSize = 8
        let cpu = KernelTuning.for(lavapipe)
        #expect(cpu.single.split == .rowPerLaneBroadcast && cpu.single.workgroup == 8 && cpu.single.tokensPerPass == 1)
        #expect(cpu.batch.split == .rowPerLane && cpu.matmul(tokens: 5) == cpu.batch && cpu.matmul(tokens: 1) == cpu.single)
        lavapipe.subgroupSize = 4
        #expect(KernelTuning.for(lavapipe).single.split == .rowPerLane, "broadcasting a chunk needs 8 lanes")
        let gpu = KernelTuning.for(Self.device(1, .discrete))
        #expect(gpu.single == gpu.batch && gpu.batch.split == .rowPerSubgroup && gpu.batch.workgroup == 128 && gpu.batch.rowsPerGroup == 4)
        #expect(gpu.batch.groups(rows: 1000, tokens: 9) == (250, 1, 2))
    }
}

import EndToEndSupport
import Foundation
import Testing

/// `mowai devices`, and `--device` on the real binary: what users see, lavapipe being the device here.
@Suite("mowai devices and --device", .serialized)
struct DeviceCommandTests {
    static let noLoader = ["MOWAI_VULKAN_LOADER": "/nonexistent/libvulkan.so.1"]

    @Test("devices lists lavapipe with its type, driver, memory, subgroup size and features, and says auto keeps the CPU")
    func listing() throws {
        let text = try MowaiCommand.run(["devices"])
        #expect(text.status == 0, "\(text.errors)")
        #expect(text.output.contains("vulkan:0  llvmpipe"), "\(text.output)")
        #expect(text.output.contains("type CPU, driver llvmpipe Mesa"), "\(text.output)")
        #expect(text.output.contains("subgroup 8; fp16 yes, int8 yes"), "\(text.output)")
        #expect(text.output.contains("auto picks the CPU backend: the only Vulkan device, llvmpipe"), "\(text.output)")

        let json = try MowaiCommand.run(["devices", "--json"])
        struct Report: Decodable {
            struct Device: Decodable { let index: Int; let name: String; let type: String; let subgroupSize: Int; let float16: Bool; let heaps: [Heap] }
            struct Heap: Decodable { let bytes: Int; let deviceLocal: Bool }
            struct Auto: Decodable { let backend: String; let device: Int?; let reason: String? }
            let devices: [Device]
            let auto: Auto
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(json.output.utf8))
        let lavapipe = try #require(report.devices.first { $0.name.hasPrefix("llvmpipe") })
        #expect(lavapipe.type == "CPU" && lavapipe.subgroupSize == 8 && lavapipe.float16 && lavapipe.heaps.contains { $0.bytes > 0 })
        #expect(report.auto.backend == "cpu" && report.auto.device == nil)
    }

    @Test("without a Vulkan loader devices says so and how to fix it, and succeeds")
    func noLoaderListing() throws {
        let text = try MowaiCommand.run(["devices"], extraEnvironment: Self.noLoader)
        #expect(text.status == 0)
        #expect(text.output.hasPrefix("No Vulkan devices: no Vulkan loader"), "\(text.output)")
        #expect(text.output.contains("install libvulkan1 and a driver (mesa-vulkan-drivers)"), "\(text.output)")
    }

    /// A chat question whose greedy answer has no near-tie the CPU's 8-bit rounding could flip (the
    /// forward-pass tests say where the two backends may part).
    static let prompt = ["--chat", "--prompt", "What is the capital of France?", "--temp", "0", "--max-tokens", "16"]

    @Test("generate --device vulkan writes the CPU backend's greedy text; without a loader or with a device that is not there, one notice and the CPU",
          .enabled(if: DefaultModel.isPresent, "run `make setup` to fetch the default model"))
    func generate() throws {
        let model = ["--model", DefaultModel.path]
        let cpu = try MowaiCommand.run(["generate", "--device", "cpu"] + model + Self.prompt)
        let gpu = try MowaiCommand.run(["generate", "--device", "vulkan"] + model + Self.prompt)
        #expect(cpu.status == 0 && gpu.status == 0, "\(gpu.errors)")
        #expect(gpu.output == cpu.output && cpu.output.contains("Paris"), "\(gpu.output) / \(cpu.output)")
        #expect(gpu.errors.isEmpty, "\(gpu.errors)")

        let noLoader = try MowaiCommand.run(["generate", "--device", "vulkan"] + model + Self.prompt, extraEnvironment: Self.noLoader)
        #expect(noLoader.status == 0 && noLoader.output == cpu.output)
        #expect(noLoader.errors.hasPrefix("mowai: no Vulkan loader") && noLoader.errors.hasSuffix("; the model runs on the CPU\n"), "\(noLoader.errors)")
        #expect(noLoader.errors.split(separator: "\n").count == 1)

        let absent = try MowaiCommand.run(["generate", "--device", "vulkan:7"] + model + Self.prompt)
        #expect(absent.status == 0 && absent.output == cpu.output)
        #expect(absent.errors == "mowai: there is no Vulkan device 7 (the loader lists 1; see `mowai devices`); the model runs on the CPU\n", "\(absent.errors)")

        let bogus = try MowaiCommand.run(["generate", "--device", "cuda"] + model + Self.prompt)
        #expect(bogus.status != 0 && bogus.output.isEmpty)
        #expect(bogus.errors.contains("--device must be auto, cpu, vulkan or vulkan:N"), "\(bogus.errors)")
    }

    @Test("bench model --device vulkan --json --profile gives decode and prompt figures, dispatches per token and GPU time per kernel group",
          .enabled(if: DefaultModel.isPresent, "run `make setup` to fetch the default model"))
    func bench() throws {
        let run = try MowaiCommand.run(["bench", "model", "--model", DefaultModel.path, "--device", "vulkan", "--json", "--profile",
                                        "--prompt-tokens", "8", "--decode-tokens", "4", "--repetitions", "1"])
        #expect(run.status == 0, "\(run.errors)")
        struct Report: Decodable {
            struct Run: Decodable { let promptTokensPerSecond: Double; let decodeTokensPerSecond: Double }
            struct Group: Decodable { let group: String; let microsecondsPerToken: Double; let share: Double }
            let device: String
            let runs: [Run]
            let dispatchesPerToken: Int?
            let kernelGroups: [Group]?
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(run.output.utf8))
        #expect(report.device.hasPrefix("llvmpipe"))
        #expect(report.runs.count == 1 && report.runs[0].decodeTokensPerSecond > 0 && report.runs[0].promptTokensPerSecond > 0)
        // 30 layers of a handful of dispatches each: one command buffer, not one per kernel.
        #expect((100...400).contains(report.dispatchesPerToken ?? 0), "\(String(describing: report.dispatchesPerToken))")
        let groups = Set(report.kernelGroups?.map(\.group) ?? [])
        #expect(groups.isSuperset(of: ["matmul", "attention", "norm", "rope", "output"]), "\(groups)")
        let shares = report.kernelGroups?.reduce(0) { $0 + $1.share } ?? 0
        #expect(abs(shares - 1) < 1e-6)
    }

    @Test("with auto and only lavapipe, the driver never loads into the process: bench model's peak RSS is --device cpu's",
          .enabled(if: DefaultModel.isPresent, "run `make setup` to fetch the default model"))
    func autoLeavesTheDriverOut() throws {
        struct Report: Decodable { let device: String; let fileBytes: Int; let kvCacheBytes: Int; let peakRSSBytes: Int }
        func bench(_ device: String) throws -> Report {
            let run = try MowaiCommand.run(["bench", "model", "--model", DefaultModel.path, "--json", "--threads", "1", "--prompt-tokens", "64",
                                            "--decode-tokens", "16", "--repetitions", "1", "--device", device])
            #expect(run.status == 0 && run.errors.isEmpty, "\(run.errors)")
            return try JSONDecoder().decode(Report.self, from: Data(run.output.utf8))
        }
        let (auto, cpu) = (try bench("auto"), try bench("cpu"))
        #expect(auto.device == "cpu" && cpu.device == "cpu")
        // lavapipe's driver and LLVM in the process would add about 50 MB.
        #expect(abs(auto.peakRSSBytes - cpu.peakRSSBytes) < 10 << 20, "auto \(auto.peakRSSBytes), cpu \(cpu.peakRSSBytes)")
        #expect(Double(auto.peakRSSBytes) <= 1.5 * Double(auto.fileBytes) + Double(auto.kvCacheBytes))
    }
}

import ArgumentParser
import Foundation
import Inference
import SafeText
import VulkanInference

/// `--model`, for every command that loads one.
struct ModelOption: ParsableArguments {
    @Option(help: "A GGUF model (default: the installed SmolLM2-135M-Instruct).")
    var model: String?

    func open() throws -> GGUFModelFile {
        try GGUFModelFile(path: try ModelLocator.path(model))
    }
}

/// `--threads` and `--device`, for every command that runs a model: how the engine runs it.
struct EngineOptions: ParsableArguments {
    @Option(help: "CPU threads, every core by default.")
    var threads = min(ProcessInfo.processInfo.activeProcessorCount, 256)
    @Option(help: ArgumentHelp("Where the model runs: \(DeviceChoice.help). auto: a discrete, then an integrated GPU, else the CPU.",
                               valueName: "device"))
    var device = "auto"

    func validate() throws {
        guard DeviceChoice(parsing: device) != nil else { throw ValidationError("--device must be \(DeviceChoice.help) (got \(device))") }
    }

    func checked() throws -> Int {
        guard (1...256).contains(threads) else { throw ValidationErrorMessage("--threads must be between 1 and 256") }
        return threads
    }

    var deviceChoice: DeviceChoice { DeviceChoice(parsing: device) ?? .auto }

    /// The factory of the chosen device's backend, or nil for the CPU (`notices` hears why, when a GPU
    /// was asked for or expected). auto is resolved by `DeviceProbe`, out of this process.
    func accelerator(profiling: Bool = false, notices: @escaping @Sendable (String) -> Void) -> BackendFactory? {
        var choice = deviceChoice
        if choice == .auto {
            switch DeviceProbe.auto() {
            case .cpu(let reason, let notice):
                if notice { notices("\(reason); the model runs on the CPU") }
                return nil
            case .vulkan(let index):
                choice = .vulkan(index: index)
            }
        }
        return Accelerator.factory(for: choice, profiling: profiling, notices: notices)
    }

    /// The model on the chosen device (the CPU when the device cannot take it; `notices` hears why).
    func load(_ file: GGUFModelFile, sequences: Int, contextLength: Int?, template: ChatTemplate? = nil,
              notices: @escaping @Sendable (String) -> Void) throws -> LocalLLM {
        let threads = try checked()
        let said: @Sendable (String) -> Void = { notices(Sanitizer.line($0)) }
        return try LocalLLM(file: file, threads: threads, sequences: sequences, contextLength: contextLength, template: template,
                            accelerator: accelerator(notices: said), notices: said)
    }
}

/// A notice for a command whose output is a terminal or pipe: one line on stderr.
@Sendable func noticeOnStandardError(_ text: String) {
    StandardStreams.write("mowai: \(text)\n", to: StandardStreams.error)
}

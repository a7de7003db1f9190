import ArgumentParser
import Foundation
import Inference
import LLMInterface
import Providers
import SafeText
import VulkanInference

/// `--model`, for every command that loads one.
struct ModelOption: ParsableArguments {
    @Option(help: "A GGUF model (default: the installed SmolLM2-135M-Instruct).")
    var model: String?

    func open() throws -> GGUFModelFile { try Self.open(model) }

    static func open(_ model: String?) throws -> GGUFModelFile {
        try GGUFModelFile(path: try ModelLocator.path(model))
    }
}

/// `--model` for commands that can also use a hosted model: a GGUF path, or `PROVIDER:MODEL[@BASE_URL]`.
struct AnyModelOption: ParsableArguments {
    @Option(help: ArgumentHelp("A GGUF model (default: the installed SmolLM2-135M-Instruct), or a hosted one: openai:MODEL (any OpenAI-compatible server), anthropic:MODEL or gemini:MODEL, each with an optional @BASE_URL; the key from OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY or --api-key-file.",
                               valueName: "model"))
    var model: String?
    @Option(help: "A file holding the hosted model's API key (never on the command line).")
    var apiKeyFile: String?

    /// The GGUF file `--model` names (or the default model's), when `hosted()` is nil.
    func openFile() throws -> GGUFModelFile { try ModelOption.open(model) }

    /// The hosted model `--model` names, or nil for a GGUF file.
    func hosted(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (any LLM)? {
        guard let model else { return nil }
        return try HostedModels.make(try ModelReference(parsing: model), apiKeyFile: apiKeyFile, environment: environment)
    }
}

/// Hosted models, from their references: each provider's key from its usual variables or a file.
enum HostedModels {
    /// The hosted model `reference` names, or nil when it names a GGUF file.
    static func make(_ reference: ModelReference, apiKeyFile: String?,
                     environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (any LLM)? {
        func key(_ variables: [String], official: Bool) throws -> String? {
            let key = try ProviderKey.read(file: apiKeyFile, environment: environment, variables: variables)
            if key == nil && official {
                throw ValidationErrorMessage("\(reference) needs an API key: set \(variables.joined(separator: " or ")) or pass --api-key-file FILE")
            }
            return key
        }
        switch reference {
        case .file: return nil
        case .openAI(let name, let url):
            return HostedLLM.openAI(model: name, baseURL: url, apiKey: try key(["OPENAI_API_KEY"], official: url == ModelReference.openAIBaseURL))
        case .anthropic(let name, let url):
            return HostedLLM.anthropic(model: name, baseURL: url,
                                       apiKey: try key(["ANTHROPIC_API_KEY"], official: url == ModelReference.anthropicBaseURL))
        case .gemini(let name, let url):
            return HostedLLM.gemini(model: name, baseURL: url,
                                    apiKey: try key(["GEMINI_API_KEY", "GOOGLE_API_KEY"], official: url == ModelReference.geminiBaseURL))
        }
    }
}

/// A provider's API key: from --api-key-file when given, else the environment. Never from argv, so it
/// stays out of `ps` and shell history; never printed.
enum ProviderKey {
    static func read(file: String?, environment: [String: String], variables: [String]) throws -> String? {
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationErrorMessage("cannot read the API key file \(Sanitizer.line(file))")
            }
            guard data.count <= 4096, let text = String(data: data, encoding: .utf8) else {
                throw ValidationErrorMessage("the API key file \(Sanitizer.line(file)) is not a key (over 4 KB, or not UTF-8)")
            }
            let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !key.isEmpty, !key.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) else {
                throw ValidationErrorMessage("the API key file \(Sanitizer.line(file)) is empty or holds spaces or control characters")
            }
            return key
        }
        return variables.lazy.compactMap { environment[$0]?.trimmingCharacters(in: .whitespacesAndNewlines) }.first { !$0.isEmpty }
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

import ArgumentParser
import Foundation
import Inference

/// `--model`, for every command that loads one.
struct ModelOption: ParsableArguments {
    @Option(help: "A GGUF model (default: the installed SmolLM2-135M-Instruct).")
    var model: String?

    func open() throws -> GGUFModelFile {
        try GGUFModelFile(path: try ModelLocator.path(model))
    }
}

/// `--threads`, for every command that runs a model.
struct ThreadsOption: ParsableArguments {
    @Option(help: "CPU threads, every core by default.")
    var threads = min(ProcessInfo.processInfo.activeProcessorCount, 256)

    func checked() throws -> Int {
        guard (1...256).contains(threads) else { throw ValidationErrorMessage("--threads must be between 1 and 256") }
        return threads
    }
}

import Foundation

/// The default model, where `make setup` puts it (or $MOWAI_MODELS). Suites that must run on it call
/// `require()` and fail when it is missing; the others skip with `isPresent`.
public enum DefaultModel {
    public static var path: String { modelsDirectory + "/SmolLM2-135M-Instruct.Q4_1.gguf" }

    /// Where `make setup` put models: $MOWAI_MODELS; else the repository's models/ when it holds the
    /// default model (checkouts from before the per-user directory); else the per-user data directory.
    public static var modelsDirectory: String {
        let environment = ProcessInfo.processInfo.environment
        if let custom = environment["MOWAI_MODELS"], !custom.isEmpty { return custom }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("models").path
        if FileManager.default.fileExists(atPath: repository + "/SmolLM2-135M-Instruct.Q4_1.gguf") { return repository }
        let data = environment["XDG_DATA_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.local/share")
        return data + "/mowai/models"
    }

    public static var isPresent: Bool { FileManager.default.fileExists(atPath: path) }

    public static func require() throws {
        guard isPresent else { throw ArenaTestError("the default model is not installed at \(path): run `make setup` to fetch it") }
    }
}

/// Gemma 3 270M (Q4_K_M), which `make setup` fetches beside the default model (scripts/fetch-model.sh gemma3).
public enum GemmaModel {
    public static var path: String { DefaultModel.modelsDirectory + "/gemma-3-270m-q4_k_m.gguf" }
    public static var isPresent: Bool { FileManager.default.fileExists(atPath: path) }
}

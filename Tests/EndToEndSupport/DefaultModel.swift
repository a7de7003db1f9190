import Foundation

/// The default model, where `make setup` puts it (or $MOWAI_MODELS). Suites that must run on it call
/// `require()` and fail when it is missing; the others skip with `isPresent`.
public enum DefaultModel {
    public static var path: String {
        let directory = ProcessInfo.processInfo.environment["MOWAI_MODELS"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("models").path
        return directory + "/SmolLM2-135M-Instruct.Q4_1.gguf"
    }

    public static var isPresent: Bool { FileManager.default.fileExists(atPath: path) }

    public static func require() throws {
        guard isPresent else { throw ArenaTestError("the default model is not installed at \(path): run `make setup` to fetch it") }
    }
}

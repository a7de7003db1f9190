import EndToEndSupport
import Foundation
import Testing

/// `mowai models` and where models are found: the real binary, run from folders of its own.
@Suite("mowai models")
struct ModelsCommandTests {
    struct Report: Decodable {
        struct Model: Decodable {
            let name: String
            let path: String
            let bytes: Int
            let architecture: String?
            let quantization: String?
            let checksum: String
            let error: String?
            let isDefault: Bool
        }
        let directories: [String]
        let models: [Model]
    }

    static func run(_ arguments: [String], in folder: URL, environment: [String: String]) throws -> (MowaiCommand.Outcome, Report?) {
        let previous = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(folder.path)
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        let outcome = try MowaiCommand.run(arguments, extraEnvironment: environment)
        return (outcome, try? JSONDecoder().decode(Report.self, from: Data(outcome.output.utf8)))
    }

    @Test("from any folder: $MOWAI_MODELS, ./models, the per-user data directory, then beside the binary; sizes, architectures, quantizations, checksums")
    func listing() throws {
        try DefaultModel.require()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mowai-models-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        // The per-user folder holds the default model (linked: wherever setup put the real one) and one more.
        let project = root.appendingPathComponent("project"), data = root.appendingPathComponent("data")
        let userModels = data.appendingPathComponent("mowai/models")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: userModels, withIntermediateDirectories: true)
        for name in ["mine.gguf", "SmolLM2-135M-Instruct.Q4_1.gguf"] {
            try FileManager.default.createSymbolicLink(atPath: userModels.appendingPathComponent(name).path, withDestinationPath: DefaultModel.path)
        }

        let environment = ["XDG_DATA_HOME": data.path, "MOWAI_MODELS": ""]
        let (outcome, report) = try Self.run(["models", "--json"], in: project, environment: environment)
        #expect(outcome.status == 0, "\(outcome.errors)")
        let listed = try #require(report)
        let resolvedProject = project.resolvingSymlinksInPath().path
        #expect(listed.directories.prefix(2) == [resolvedProject + "/models", userModels.resolvingSymlinksInPath().path] ||
                listed.directories.prefix(2) == [project.path + "/models", userModels.path], "\(listed.directories)")
        let mine = try #require(listed.models.first { $0.name == "mine.gguf" })
        #expect(mine.architecture == "llama" && mine.quantization == "Q4_1" && mine.bytes == 98_362_432 && mine.checksum == "unknown" && !mine.isDefault)
        let defaultModel = try #require(listed.models.first { $0.isDefault })
        #expect(defaultModel.name == "SmolLM2-135M-Instruct.Q4_1.gguf" && defaultModel.checksum == "ok")
        #expect(defaultModel.path.hasPrefix(userModels.path) || defaultModel.path.hasPrefix(userModels.resolvingSymlinksInPath().path))

        // The default model is found from this folder, which has none of its own.
        let answer = try Self.run(["generate", "--prompt", "Hello", "--max-tokens", "2", "--temp", "0"], in: project, environment: environment).0
        #expect(answer.status == 0 && !answer.output.isEmpty, "\(answer.errors)")
    }

    @Test("$MOWAI_MODELS comes first; a damaged download shows a checksum mismatch, another file its reason")
    func damaged() throws {
        try DefaultModel.require()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mowai-damaged-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = try Data(contentsOf: URL(fileURLWithPath: DefaultModel.path))
        var flipped = original
        flipped[flipped.count - 1] ^= 0xFF
        try flipped.write(to: folder.appendingPathComponent("SmolLM2-135M-Instruct.Q4_1.gguf"))
        try Data("not a model".utf8).write(to: folder.appendingPathComponent("notes.gguf"))

        let (outcome, report) = try Self.run(["models", "--json"], in: FileManager.default.temporaryDirectory, environment: ["MOWAI_MODELS": folder.path])
        #expect(outcome.status == 0)
        let listed = try #require(report)
        #expect(listed.directories.first == folder.path)
        let damaged = try #require(listed.models.first)
        #expect(damaged.path == folder.path + "/SmolLM2-135M-Instruct.Q4_1.gguf" && damaged.isDefault && damaged.checksum == "mismatch")
        let notes = try #require(listed.models.first { $0.name == "notes.gguf" })
        #expect(notes.error?.isEmpty == false && notes.checksum == "unknown" && notes.architecture == nil)
        let text = try Self.run(["models", "--no-checksum"], in: FileManager.default.temporaryDirectory, environment: ["MOWAI_MODELS": folder.path]).0
        #expect(text.status == 0 && text.output.contains("sha256 skipped") && text.output.contains("unreadable:"))
    }
}

import EndToEndSupport
import Foundation
import Testing

/// `mowai init` on the real binary: a project per language, built with its own build.sh and checked.
@Suite("mowai init")
struct InitTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mowai-init-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static func shell(_ command: String, in folder: URL) throws -> (status: Int32, output: String) {
        try ProgramRun.run("/bin/bash", ["-c", command], in: folder)
    }

    @Test("each language: the project builds with build.sh and passes mowai agent check, or init and build.sh say what to install",
          arguments: ["c", "swift", "rust"])
    func language(_ language: String) throws {
        let root = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let project = root.appendingPathComponent("my \(language) agent")
        let made = try MowaiCommand.run(["init", project.path, "--lang", language, "--persona", "contrarian"])
        #expect(made.status == 0, "\(made.errors)")
        let name = "my-\(language)-agent"
        #expect(made.output.contains("wrote a \(language) agent \(name) (persona contrarian)"))
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: project.appendingPathComponent("mowai.config.json"))) as? [String: String]
        #expect(config?["name"] == name && config?["persona"] == "contrarian" && config?["arenaUrl"] == "ws://127.0.0.1:8080" && config?["color"]?.count == 7)
        #expect(try Data(contentsOf: project.appendingPathComponent("wit/agent.wit")) == Data(contentsOf: Self.repository.appendingPathComponent("wit/agent.wit")))
        let source = ["c": "agent.c", "swift": "Agent.swift", "rust": "agent.rs"][language]!
        #expect(try Data(contentsOf: project.appendingPathComponent(source))
                == Data(contentsOf: Self.repository.appendingPathComponent("wit/agents/template-\(language)/\(source)")), "the embedded template is current (make agents)")

        let build = try Self.shell("./build.sh", in: project)
        if made.errors.contains("need") {
            // No toolchain here: init said what to install, and build.sh says the same and fails.
            #expect(build.status != 0 && build.output.contains("install"), "\(build.output)")
            #expect(language == "rust", "the Swift toolchain that builds mowai has clang, wasm-ld and Embedded Swift: \(made.errors)")
            return
        }
        #expect(build.status == 0 && build.output.contains("built \(name).wasm"), "\(build.output)")
        let check = try Self.shell("'\(ArenaProcess.executable.path)' agent check \(name).wasm", in: project)
        #expect(check.status == 0 && check.output.contains("The agent works."), "\(check.output)")
    }

    @Test("a folder that is not empty is refused; --force replaces the template's files and names them; bad names and personas are refused")
    func refusals() throws {
        let root = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try "mine".write(to: root.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let refused = try MowaiCommand.run(["init", root.path])
        #expect(refused.status == 1 && refused.errors.contains("is not empty") && refused.errors.contains("--force"))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("agent.c").path))

        try "old".write(to: root.appendingPathComponent("agent.c"), atomically: true, encoding: .utf8)
        let forced = try MowaiCommand.run(["init", root.path, "--force", "--name", "ada"])
        #expect(forced.status == 0 && forced.output.contains("agent.c   (replaced)") && !forced.output.contains("mowai.config.json   (replaced)"))
        #expect(try String(contentsOf: root.appendingPathComponent("notes.txt"), encoding: .utf8) == "mine")

        let badName = try MowaiCommand.run(["init", root.appendingPathComponent("x").path, "--name", "no spaces"])
        #expect(badName.status == 1 && badName.errors.contains("is not usable"))
        let badPersona = try MowaiCommand.run(["init", root.appendingPathComponent("y").path, "--persona", "wizard"])
        #expect(badPersona.status == 1 && badPersona.errors.contains("there is no persona wizard: choose one of"))
        let badLanguage = try MowaiCommand.run(["init", root.appendingPathComponent("z").path, "--lang", "cobol"])
        #expect(badLanguage.status != 0)
    }
}

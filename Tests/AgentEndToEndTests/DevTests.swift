import EndToEndSupport
import Foundation
import HTTPClient
import Testing

/// `mowai dev` in a real terminal (tmux): a project from `mowai init`, an edit that breaks the build and
/// one that fixes it, a persona change; the agent keeps its seat in the arena throughout.
@Suite("mowai dev")
struct DevTests {
    static func edit(_ file: URL, _ change: (String) -> String) throws {
        let text = try String(contentsOf: file, encoding: .utf8)
        // Written in place, as editors that keep the file's inode do (others rename: both are seen).
        try change(text).write(to: file, atomically: false, encoding: .utf8)
    }

    @Test("a broken build shows the compiler's errors and the agent carries on; a fixed one is swapped in, same id and slot")
    func editBreakFix() async throws {
        try DefaultModel.require()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mowai-dev-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let project = root.appendingPathComponent("devagent")
        let made = try MowaiCommand.run(["init", project.path, "--persona", "contrarian"])
        #expect(made.status == 0, "\(made.errors)")

        let terminal = try TmuxTerminal(columns: 170, rows: 60, mowai: ["dev", project.path, "--port", "0", "--threads", "2"])
        defer { terminal.close() }
        let joined = try await terminal.waitFor("the agent in the arena", within: 60) { screen in
            screen.pane(titled: "Agents 1")?.joined().contains("devagent") == true && screen.contains("ws://127.0.0.1:")
        }
        let status = joined.lines.first { $0.contains("ws://127.0.0.1:") } ?? ""
        let port = try #require(status.range(of: "ws://127.0.0.1:").map { Int(status[$0.upperBound...].prefix(while: \.isNumber)) } ?? nil)
        func roster() async throws -> [[String: Any]] {
            let answer = try await HTTPClient.get("http://127.0.0.1:\(port)/agents")
            return (try JSONSerialization.jsonObject(with: Data(answer.body)) as? [[String: Any]]) ?? []
        }
        let before = try await roster()
        #expect(before.count == 1 && before.first?["name"] as? String == "devagent")
        // The roster has the cursor: Enter opens the agent's console.
        try terminal.press("Enter")
        try await terminal.waitFor("build 1 ok", within: 20)

        let source = project.appendingPathComponent("agent.c")
        try Self.edit(source) { $0 + "\nthis is not C;\n" }
        try await terminal.waitFor("build 2 failed", "error:", within: 30)
        #expect(try await roster().count == 1)

        try Self.edit(source) { $0.replacingOccurrences(of: "\nthis is not C;\n", with: "").replacingOccurrences(of: "template agent ready", with: "second build ready") }
        try await terminal.waitFor("build 3 ok", "second build ready", "swapped in", within: 30)
        let after = try await roster()
        #expect(after.count == 1 && after.first?["agentId"] as? String == before.first?["agentId"] as? String)
        #expect(after.first?["slot"] as? Int == before.first?["slot"] as? Int)

        let config = project.appendingPathComponent("mowai.config.json")
        try Self.edit(config) { $0.replacingOccurrences(of: "\"contrarian\"", with: "\"synthesiser\"") }
        try await terminal.waitFor("mowai.config.json changed", "swapped in: devagent 0.1.0 as synthesiser", within: 30)

        try FileManager.default.removeItem(at: source)
        try await terminal.waitFor("build 4 failed", "no such file", within: 30)
        #expect(try await roster().count == 1)

        try terminal.press("q")
        #expect(try await terminal.exitStatus(within: 20) == 0)
    }

    @Test("with --arena: a swap while the arena is down goes through, and the new build joins the arena that comes back")
    func arenaDropsDuringASwap() async throws {
        try DefaultModel.require()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mowai-dev-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let project = root.appendingPathComponent("roamer")
        #expect(try MowaiCommand.run(["init", project.path]).status == 0)
        let first = try ArenaProcess()
        let port = first.port
        let terminal = try TmuxTerminal(columns: 170, rows: 50, mowai: ["dev", project.path, "--arena", first.webSocketURL, "--threads", "2"])
        defer { terminal.close() }
        try await terminal.waitFor("the agent in the arena", within: 60) { $0.pane(titled: "Agents 1")?.joined().contains("roamer") == true }
        try terminal.press("Enter")
        first.kill()
        try await terminal.waitFor("arena connection lost", within: 20)

        try Self.edit(project.appendingPathComponent("agent.c")) { $0.replacingOccurrences(of: "template agent ready", with: "rebuilt while away") }
        try await terminal.waitFor("rebuilt while away", "swapped in", within: 30)
        let second = try ArenaProcess(port: port)
        #expect(try await eventually(within: 40) {
            let answer = try? await HTTPClient.get(second.httpURL + "/agents")
            return answer?.text.contains("\"name\":\"roamer\"") == true
        })
        try terminal.press("q")
        #expect(try await terminal.exitStatus(within: 20) == 0)
    }
}

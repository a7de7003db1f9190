import ArenaProtocol
import EndToEndSupport
import Testing

/// `mowai tui` without --arena: an arena in the same process, administered by the console.
struct EmbeddedArenaTests {
    @Test func runsItsOwnArenaAsAdmin() async throws {
        let terminal = try TmuxTerminal(columns: 100, rows: 30, mowai: ["tui", "--port", "0", "--no-agents"])
        defer { terminal.close() }
        let screen = try await terminal.waitFor("● connected", "· admin ·", "Arena running at ws://127.0.0.1:")

        let notice = try #require(screen.statusBar.firstMatch(of: /Arena running at (ws:\/\/127\.0\.0\.1:(\d+))/))
        let url = String(notice.output.1)
        #expect(screen.statusBar.hasPrefix(" \(url) ● connected"))

        let agent = try await ScriptedAgent.join(url, name: "grace")
        defer { agent.close() }
        try await terminal.waitFor("the agent in the roster") { $0.pane(titled: "Agents 1")?.joined().contains("grace") == true }

        try terminal.type("/task Count the stars")
        try terminal.press("Enter")
        let task = try await agent.message(ofType: "GLOBAL_TASK")
        #expect(task["payload"]?["description"]?.stringValue == "Count the stars")
        try await terminal.waitFor("the task in the banner") { $0.row(1).contains("Count the stars") }

        try terminal.press("q")
        try await terminal.expectCleanExit()
    }
}

import ArenaProtocol
import Testing
import EndToEndSupport

/// `mowai tui --arena … --admin` against a real `mowai arena`, with real agents, seen through tmux.
struct SpectateAndAdministerTests {
    @Test func spectatesAndAdministersAnArena() async throws {
        let arena = try ArenaProcess(adminSecret: "s3cret")
        defer { arena.terminate() }
        let terminal = try TmuxTerminal(columns: 100, rows: 30, mowai: ["tui", "--arena", arena.webSocketURL, "--admin"],
                                        environment: ["MOWAI_ADMIN_SECRET": "s3cret"])
        defer { terminal.close() }
        try await terminal.waitFor("● connected", "· admin ·", "No task yet")

        let ada = try await ScriptedAgent.join(arena.webSocketURL, name: "ada", persona: "planner")
        defer { ada.close() }
        let li = try await ScriptedAgent.join(arena.webSocketURL, name: "李白", persona: "poet")
        defer { li.close() }
        let joined = try await terminal.waitFor("both agents in the roster") { screen in
            let roster = screen.pane(titled: "Agents 2")?.joined(separator: "\n") ?? ""
            return roster.contains("ada") && roster.contains("李白")
        }
        #expect(joined.statusBar.contains("· 2 agents"))

        // The lead broadcasts a task: it reaches the banner and every agent.
        try terminal.type("/task Plan a picnic")
        try await terminal.waitFor("› /task Plan a picnic")
        try terminal.press("Enter")
        try await terminal.waitFor("the task in the banner") { $0.row(1).contains("TASK") && $0.row(1).contains("Plan a picnic") }
        let task = try await ada.message(ofType: "GLOBAL_TASK")
        #expect(task["payload"]?["description"]?.stringValue == "Plan a picnic")
        let taskId = try #require(task["payload"]?["taskId"]?.stringValue)
        #expect(try await li.message(ofType: "GLOBAL_TASK")["payload"]?["taskId"]?.stringValue == taskId)

        // The agents think and answer: the chat shows both, with their names.
        ada.thought("Bring sandwiches", taskId: taskId)
        li.response("月下独酌 by the lake", taskId: taskId)
        try await terminal.waitFor("the thought and the response in the chat") { screen in
            let chat = screen.pane(titled: "Chat")?.joined(separator: "\n") ?? ""
            return chat.contains("ada ·1 Bring sandwiches") && chat.contains("李白 ✔ 月下独酌 by the lake")
        }

        // Down + Enter opens the second agent's console: its own lines only, without its name on each.
        try terminal.press("Down", "Enter")
        let opened = try await terminal.waitFor("李白's console") { $0.pane(titled: "李白 · poet") != nil }
        let console = try #require(opened.pane(titled: "李白 · poet")).joined(separator: "\n")
        #expect(console.contains("✔ 月下独酌 by the lake"), "\(opened)")
        #expect(!console.contains("李白 ✔"), "\(opened)")
        #expect(!console.contains("Bring sandwiches"), "\(opened)")

        // Too small, then big again: the layout comes back with everything in it.
        try terminal.resize(columns: 20, rows: 6)
        try await terminal.waitFor("Enlarge the terminal", "(now 20×6)")
        try terminal.resize(columns: 100, rows: 30)
        let restored = try await terminal.waitFor("the layout to return") { screen in
            !screen.contains("Enlarge") && screen.lines.count == 30 && screen.row(1).contains("Plan a picnic")
                && screen.pane(titled: "Agents 2") != nil && screen.pane(titled: "Chat") != nil
                && screen.pane(titled: "李白 · poet") != nil
        }
        #expect(restored.statusBar.contains("● connected"))

        try terminal.press("q")
        try await terminal.expectCleanExit()
    }
}

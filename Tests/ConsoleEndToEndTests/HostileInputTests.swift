import ArenaProtocol
import Testing
import EndToEndSupport

/// What remote agents send is text, never terminal control: escapes show as visible symbols.
struct HostileInputTests {
    @Test func escapesFromAgentsAreDrawnHarmlessly() async throws {
        let arena = try ArenaProcess()
        defer { arena.terminate() }
        let terminal = try TmuxTerminal(columns: 100, rows: 30, mowai: ["tui", "--arena", arena.webSocketURL])
        defer { terminal.close() }
        try await terminal.waitFor("● connected", "· spectator ·")
        let title = try terminal.format("#{pane_title}")

        let evil = try await ScriptedAgent.join(arena.webSocketURL, name: "evil\u{1B}[2J", persona: "\u{1B}[5mblink")
        defer { evil.close() }
        evil.thought("hi \u{1B}]0;pwned\u{07} there \u{1B}[31mred\u{9B}2J", taskId: "6f1c7a8e-2b1d-4c3e-9f00-123456789abc")

        let screen = try await terminal.waitFor("the neutralised name and thought") { screen in
            screen.contains("evil␛[2J") && screen.contains("hi ␛]0;pwned␇ there ␛[31mred�2J")
        }
        #expect(try terminal.format("#{pane_title}") == title, "an agent changed the window title")
        #expect(screen.lines.count == 30)
        #expect(screen.row(1).contains("No task yet"), "\(screen)")
        #expect(screen.pane(titled: "Agents 1")?.joined().contains("evil␛[2J") == true, "\(screen)")
        #expect(screen.pane(titled: "Chat") != nil, "\(screen)")
        #expect(screen.pane(titled: "Console") != nil, "\(screen)")
        #expect(screen.statusBar.contains("● connected"), "\(screen)")
        // No style change inside the text: it is drawn in one piece, in one style.
        #expect(try terminal.styledScreen().contains("hi ␛]0;pwned␇ there ␛[31mred�2J"))

        try terminal.press("q")
        try await terminal.expectCleanExit()
    }
}

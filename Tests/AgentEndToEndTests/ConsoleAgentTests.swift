import EndToEndSupport
import Foundation
import Testing

extension RealModelTests {
    /// `mowai tui` hosting agents on the real model, seen through a real terminal (tmux).
    @Suite struct ConsoleAgents {
        @Test("a hosted agent answers a /task typed in the console, and its console tells how")
        func aHostedAgentAnswersATypedTask() async throws {
            try DefaultModel.require()
            let agent = ShippedAgent.all[1].path
            let terminal = try TmuxTerminal(columns: 120, rows: 70,
                                            mowai: ["tui", "--port", "0", "--persona", "pragmatist", "--agent", agent] + RealModelTests.threads)
            defer { terminal.close() }
            try await terminal.waitFor("the agent in the roster", within: 60) { $0.pane(titled: "Agents 1")?.joined().contains("pragmatist") == true }

            try terminal.type("/task Name one way to save water at home.")
            try terminal.press("Enter")
            // The roster has the cursor: Enter opens the agent's console.
            try terminal.press("Enter")
            // The console scrolls as the model's text streams in: each line counts once it has been seen.
            var unseen = ["task received: Name one way to save water at home.", "thinking…", "responded in"]
            try await terminal.waitFor("the agent's console to show \(unseen)", within: 90) { screen in
                let console = screen.pane(titled: "pragmatist · pragmatist · local")?.joined(separator: "\n") ?? ""
                unseen.removeAll(where: console.contains)
                return unseen.isEmpty
            }
            try terminal.press("q")
            #expect(try await terminal.exitStatus() == 0)
        }

        @Test("with no arguments, mowai tui hosts the five personas")
        func hostsFivePersonasByDefault() async throws {
            try DefaultModel.require()
            let terminal = try TmuxTerminal(columns: 120, rows: 36, mowai: ["tui", "--port", "0"])
            defer { terminal.close() }
            let names = ["contrarian", "synthesiser", "first-principles", "devils-advocate", "pragmatist"]
            try await terminal.waitFor("five agents in the roster", within: 60) { screen in
                guard let roster = screen.pane(titled: "Agents 5") else { return false }
                return names.allSatisfy { name in roster.contains { $0.contains(" \(name)") } }
            }
            // Quitting stops five agents too, and still gives the terminal back as it was.
            try terminal.press("q")
            #expect(try await terminal.exitStatus(within: 20) == 0)
            let leftovers = try terminal.screen().lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            #expect(leftovers == ["EXIT=0"])
            #expect(try terminal.format("#{alternate_on}") == "0", "still on the alternate screen")
        }
    }
}

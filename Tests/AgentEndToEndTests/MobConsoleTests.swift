import EndToEndSupport
import Foundation
import Testing

/// `mowai tui` running mobs, seen through tmux, on the stand-in model; and the debate once on the real one.
struct MobConsoleTests {
    @Test("mowai tui alone hosts the workshop mob: /task runs the debate flow, the flow pane and the chat show it")
    func workshopDebate() async throws {
        let terminal = try TmuxTerminal(columns: 120, rows: 40, mowai: ["tui", "--port", "0", "--model", "stand-in"])
        defer { terminal.close() }
        try await terminal.waitFor("the mob in the roster", within: 30) { screen in
            screen.pane(titled: "Agents 5")?.joined(separator: "\n").contains("▾ workshop (5/5 active)") == true
        }
        try terminal.type("/task Plan a picnic for twelve")
        try terminal.press("Enter")
        let screen = try await terminal.waitFor("the debate to complete", within: 30) { screen in
            let roster = screen.pane(titled: "Agents 5")?.joined(separator: "\n") ?? ""
            return roster.contains("Flow debate · completed") && roster.contains("✓ synthesis")
        }
        let chat = screen.pane(titled: "Chat")?.joined(separator: "\n") ?? ""
        #expect(chat.contains("synthesiser ✔"), "\(screen)")

        try terminal.type("/flow debate Name one board game")
        try terminal.press("Enter")
        try await terminal.waitFor("the flow started by hand", within: 30) { $0.statusBar.contains("Flow debate started as workshop-flow-2") || $0.statusBar.contains("Flow debate completed") }
        try terminal.type("/spawn pragmatist helper")
        try terminal.press("Enter")
        try await terminal.waitFor("the new member", within: 20) { $0.pane(titled: "Agents 6")?.joined(separator: "\n").contains("helper") == true }
        try terminal.type("/retire helper")
        try terminal.press("Enter")
        try await terminal.waitFor("the member retired", within: 20) { screen in
            screen.pane(titled: "Agents 5")?.joined(separator: "\n").contains("helper retired") == true
        }
        try terminal.press("q")
        #expect(try await terminal.exitStatus(within: 20) == 0)
    }

    @Test("mowai tui --mob FILE hosts that mob, and a broken one is refused before the terminal is taken")
    func mobFromFile() async throws {
        let file = NSTemporaryDirectory() + "duo-\(UUID().uuidString).json"
        try Data(#"{"id": "duo", "profiles": {"a": {"persona": "pragmatist"}, "b": {"persona": "contrarian"}}, "members": [{"profile": "a", "id": "ann"}, {"profile": "b", "id": "ben"}], "wiring": {"role_wiring": [{"a": "a", "b": "b"}]}}"#.utf8)
            .write(to: URL(fileURLWithPath: file))
        defer { unlink(file) }
        let terminal = try TmuxTerminal(columns: 100, rows: 30, mowai: ["tui", "--port", "0", "--mob", file, "--model", "stand-in"])
        defer { terminal.close() }
        try await terminal.waitFor("the duo", within: 30) { $0.pane(titled: "Agents 2")?.joined(separator: "\n").contains("▾ duo (2/2 active)") == true }
        try terminal.type("/send ann hello")
        try terminal.press("Enter")
        try await terminal.waitFor("the outcome", within: 20) { $0.statusBar.contains("Queued duo-run-1 for ann") }
        try terminal.press("q")
        #expect(try await terminal.exitStatus(within: 20) == 0)

        let broken = NSTemporaryDirectory() + "broken-\(UUID().uuidString).json"
        try Data(#"{"id": "x", "profiles": {"a": {"persona": "nobody"}}}"#.utf8).write(to: URL(fileURLWithPath: broken))
        defer { unlink(broken) }
        let refused = try MowaiProcess(["tui", "--port", "0", "--mob", broken])
        #expect(try await refused.exitStatus() == 1)
        try await refused.waitFor("$.profiles.a.persona: unknown persona \"nobody\"", onStandardError: true)
    }
}

extension RealModelTests {
    @Suite struct MobDebate {
        @Test("the debate flow on the real default model: four answers, then a synthesis in English")
        func debate() async throws {
            try DefaultModel.require()
            let run = try MowaiProcess(["mob", "run", "workshop", "--flow", "debate", "--param",
                                        "task=Suggest one way a small town can save water."] + RealModelTests.threads)
            #expect(try await run.exitStatus(within: 300) == 0, "stdout: \(run.stdout.suffix(3000))\nstderr: \(run.stderr)")
            try await run.waitFor("flow debate (workshop-flow-1) completed in")
            let output = run.stdout.components(separatedBy: "completed in").last ?? ""
            let final = output.split(separator: "\n").dropFirst().prefix { !$0.contains(": retired") }.joined(separator: " ")
            #expect(looksLikeEnglish(final), "the synthesis: \(final)")
        }
    }
}

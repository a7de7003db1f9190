import EndToEndSupport
import Foundation
import Testing

extension RealModelTests {
    /// A misbehaving arena (`Tests/Interop/hostile-arena.cjs`): numbers out of range and not finite in
    /// every numeric field, wrong types, missing fields, 8 KiB strings, escapes and bidi overrides in every
    /// text field, unknown types, frames out of order, binary frames, a flood of 10 000 frames and a close
    /// whose reason is an escape sequence. Then it behaves, and the agent must still answer.
    @Suite struct HostileArena {
        /// A valid task whose text is hostile: it must be shown, never obeyed.
        static let hostileTask = "Say hello in one short sentence. \u{1B}]0;pwned\u{07}\u{1B}[2J\u{202E}evil\r\nFORGED LINE"

        @Test("mowai agent run survives every hostile frame, says what was wrong, prints no raw control, and answers afterwards")
        func headless() async throws {
            try DefaultModel.require()
            let arena = try EndToEndSupport.HostileArena(goodTask: Self.hostileTask)
            defer { arena.terminate() }
            let run = try MowaiProcess(["agent", "run", "--arena", arena.webSocketURL, "--persona", "pragmatist"] + RealModelTests.threads)
            defer { run.interrupt() }

            let answered = try await arena.answeredTask(within: 180)
            #expect(run.isRunning, "mowai agent run ended: stderr:\n\(run.stderr)")
            #expect(!run.wasKilledBySignal)
            #expect(arena.output.contains("phase good"), "\(arena.output)")

            let output = run.stdout
            // The ACK with slot 1e300 that once killed the process is refused and named, once.
            #expect(output.components(separatedBy: "ARENA_ACK: payload.slot must be an integer").count == 2, "\(output.suffix(4000))")
            #expect(output.contains("ignored a message of a type this version does not know"))
            #expect(output.contains("ignored a PEER_THOUGHT before ARENA_ACK"))
            #expect(output.contains("is binary ("))
            #expect(output.contains("frames from the arena ignored so far"), "the flood is summed up")
            // The close reason and the task arrive as text.
            #expect(output.contains("closed (4000 ␛]0;pwned␇bye)"), "\(output.suffix(4000))")
            #expect(output.contains("Say hello in one short sentence. ␛]0;pwned␇␛[2J�evil␊FORGED LINE"), "\(output.suffix(4000))")
            #expect(!output.split(separator: "\n").contains { $0.hasPrefix("FORGED") }, "a remote line break forged a line")
            #expect(output.contains("responded in"))
            #expect(rawControls(in: run.rawOutput).isEmpty, "raw controls: \(rawControls(in: run.rawOutput))")
            #expect(UUIDv4Like(answered))

            run.interrupt()
            #expect(try await run.exitStatus() == 0, "stderr: \(run.stderr)")
        }

        @Test("mowai tui --agent … --arena … survives it too: the terminal keeps its title, the user is told, the agent answers")
        func console() async throws {
            try DefaultModel.require()
            let arena = try EndToEndSupport.HostileArena(goodTask: Self.hostileTask)
            defer { arena.terminate() }
            let agent = ShippedAgent.all[0].path
            let terminal = try TmuxTerminal(columns: 120, rows: 40, mowai: ["tui", "--arena", arena.webSocketURL, "--persona", "pragmatist",
                                                                          "--agent", agent] + RealModelTests.threads)
            defer { terminal.close() }
            let title = try terminal.format("#{pane_title}")

            // While the hostile frames arrive, the notices tell what was refused.
            var told = false
            _ = try await eventually(within: 180) {
                if let screen = try? terminal.screen(), screen.lines.contains(where: { $0.contains("Ignored") || $0.contains("ignored so far") }) {
                    told = true
                }
                return arena.output.contains("answered ")
            }
            _ = try await arena.answeredTask(within: 1)
            #expect(told, "no notice about the refused frames was seen")
            #expect(try terminal.format("#{pane_title}") == title, "the arena changed the window title")
            #expect(try terminal.format("#{alternate_on}") == "1", "the console still owns its screen")
            let screen = try await terminal.waitFor("the task, shown inert", within: 30) { screen in
                screen.lines.contains { $0.contains("Say hello in one short sentence. ␛]0;pwned␇␛[2J�evil") }
            }
            #expect(screen.lines.count == 40)
            #expect(screen.statusBar.contains("● connected"), "\(screen)")

            try terminal.press("q")
            #expect(try await terminal.exitStatus(within: 20) == 0, "mowai tui did not exit cleanly")
        }
    }
}

/// A task id as the hostile arena makes them.
private func UUIDv4Like(_ text: String) -> Bool { text.count == 36 && text.split(separator: "-").count == 5 }

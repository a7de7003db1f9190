import EndToEndSupport
import Foundation
import Testing

/// Every way out restores the terminal and exits 0.
struct QuitTests {
    @Test func controlCQuits() async throws {
        let terminal = try TmuxTerminal(columns: 80, rows: 24, mowai: ["tui", "--port", "0", "--no-agents"])
        defer { terminal.close() }
        try await terminal.waitFor("● connected")
        try terminal.press("C-c")
        try await terminal.expectCleanExit()
    }

    @Test func sigtermQuits() async throws {
        let terminal = try TmuxTerminal(columns: 80, rows: 24, mowai: ["tui", "--port", "0", "--no-agents"])
        defer { terminal.close() }
        try await terminal.waitFor("● connected")
        #expect(kill(try terminal.programPID(), SIGTERM) == 0)
        try await terminal.expectCleanExit()
    }
}

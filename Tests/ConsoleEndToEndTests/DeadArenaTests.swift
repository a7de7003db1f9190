import EndToEndSupport
import Testing

/// An arena that is not there: the console counts down, retries with growing attempts, and still quits.
struct DeadArenaTests {
    @Test func retriesWithACountdownAndStillQuits() async throws {
        let nobody = try RefusingPort()
        let terminal = try TmuxTerminal(columns: 100, rows: 30, mowai: ["tui", "--arena", "ws://127.0.0.1:\(nobody.port)"])
        defer { terminal.close() }

        let first = try await terminal.waitFor("a retry countdown") { Self.attempt(on: $0) != nil }
        let attempt = try #require(Self.attempt(on: first))
        try await terminal.waitFor("an attempt after \(attempt)") { (Self.attempt(on: $0) ?? 0) > attempt }

        try terminal.press("q")
        try await terminal.expectCleanExit()
    }

    /// The attempt number in "retry in N s (attempt M)" on the status bar.
    static func attempt(on screen: Screen) -> Int? {
        screen.statusBar.firstMatch(of: /retry in \d+ s \(attempt (\d+)\)/).flatMap { Int($0.output.1) }
    }
}

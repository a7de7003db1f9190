import EndToEndSupport
import Testing

/// Themes by name, a wrong name, and NO_COLOR.
struct ThemeTests {
    @Test func unknownThemeWarnsByName() async throws {
        let terminal = try TmuxTerminal(columns: 100, rows: 30, mowai: ["tui", "--port", "0", "--no-agents", "--theme", "nosuch"])
        defer { terminal.close() }
        let screen = try await terminal.waitFor("● connected", "no theme named nosuch")
        #expect(screen.statusBar.contains("no theme named nosuch"))
        #expect(Self.usesColour(try terminal.styledScreen()), "the dark theme, used instead, has colours")
        try terminal.press("q")
        try await terminal.expectCleanExit()
    }

    @Test func monochromeHasNoColour() async throws {
        let terminal = try TmuxTerminal(columns: 100, rows: 30, mowai: ["tui", "--port", "0", "--no-agents", "--theme", "monochrome"])
        defer { terminal.close() }
        let screen = try await terminal.waitFor("● connected", "Arena running at")
        #expect(!screen.statusBar.contains("theme"))
        let styled = try terminal.styledScreen()
        #expect(!Self.usesColour(styled), "\(styled)")
        try terminal.press("q")
        try await terminal.expectCleanExit()
    }

    @Test func noColorRunsWithoutColour() async throws {
        let terminal = try TmuxTerminal(columns: 100, rows: 30, mowai: ["tui", "--port", "0", "--no-agents"], environment: ["NO_COLOR": "1"])
        defer { terminal.close() }
        try await terminal.waitFor("● connected", "Arena running at")
        let styled = try terminal.styledScreen()
        #expect(!Self.usesColour(styled), "\(styled)")
        try terminal.press("q")
        try await terminal.expectCleanExit()
    }

    /// Whether any SGR sequence on screen sets a foreground or background colour (39 and 49, the
    /// defaults, do not count).
    static func usesColour(_ styled: String) -> Bool {
        styled.matches(of: /\x1B\[([0-9;:]*)m/).contains { match in
            match.output.1.split(whereSeparator: { $0 == ";" || $0 == ":" }).contains { parameter in
                guard let value = Int(parameter) else { return false }
                return (30...38).contains(value) || (40...48).contains(value) || (90...97).contains(value)
                    || (100...107).contains(value)
            }
        }
    }
}

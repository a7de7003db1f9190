import EndToEndSupport
import Foundation
import Testing

extension TmuxTerminal {
    /// Waits for `mowai` to end, then checks its status and that it gave the terminal back as it found it:
    /// main screen, cursor visible, mouse reporting off, nothing left on screen but the shell's `EXIT=`.
    func expectCleanExit(status: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let screen = try await waitFor("the program to exit") { $0.lines.contains { $0.hasPrefix("EXIT=") } }
        let leftovers = screen.lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(leftovers == ["EXIT=\(status)"], "the screen after exit:\n\(screen)", sourceLocation: sourceLocation)
        #expect(try format("#{alternate_on}") == "0", "still on the alternate screen", sourceLocation: sourceLocation)
        #expect(try format("#{cursor_flag}") == "1", "the cursor is still hidden", sourceLocation: sourceLocation)
        #expect(try format("#{mouse_any_flag}") == "0", "mouse reporting is still on", sourceLocation: sourceLocation)
    }
}

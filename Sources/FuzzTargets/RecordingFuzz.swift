import ArenaProtocol
import Console
import TUI

/// A workshop recording as `mowai tui --replay` reads it, then played through the console's reducer and
/// view at a few speeds and seeks. What plays must stop where the reader stopped, and no control
/// character may reach the screen.
enum RecordingFuzz {
    static func run(_ bytes: [UInt8]) -> [String] {
        let recording = Recording.parse(bytes)
        if let stop = recording.stop, case .truncated = stop, bytes.last == 0x0A {
            return ["a recording that ends with a line feed was called truncated"]
        }
        var player = ReplayPlayer(recording: recording, speed: 64, at: 0)
        var state = State(options: .init(arenaURL: "replay fuzz", isAdmin: false, observerAgentId: "0b9d5f8e-1c2d-4e3f-8a9b-0c1d2e3f4a5b"),
                          now: Moment(wallMs: 1_700_000_000_000, monotonicMs: 0))
        let view = ConsoleView(theme: .dark, colorDepth: .ansi256)
        _ = reduce(&state, .resize(columns: 100, rows: 30))
        var clock: Int64 = 0
        if let next = player.nextTask { player.seek(to: next, at: clock) }
        while !player.isFinished {
            clock += max(1, player.untilNext(at: clock) ?? 1)
            for frame in recording.frames[player.due(at: clock)] {
                _ = reduce(&state, .arena(frame.message, at: Moment(wallMs: frame.ts, monotonicMs: clock)))
            }
            if clock > 1 << 40 { return ["the replay did not reach its end"] }
        }
        return ArenaConsoleFuzz.drawnControls(view.render(state))
    }
}

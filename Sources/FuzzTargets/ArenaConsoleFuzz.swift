import ArenaProtocol
import Console
import TUI

/// Operation bytes: 0xF0 a resize to `body[0]`×`body[1]`, 0xF1 a key, 0xF2 a tick after `body[0]`
/// seconds, 0xF3 a lost connection, 0xF4 a local agent's activity carrying `body` as text, 0x01 a binary
/// frame; anything else a text frame. The screen is drawn after every event.
enum ArenaConsoleFuzz {
    static let keys: [Key] = [.enter, .backspace, .delete, .tab, .backTab, .escape, .up, .down, .left, .right,
                              .pageUp, .pageDown, .home, .end, .character("g"), .character("/"), .character("?"), .character("k")]
    static let localAgent = "5e0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"

    static func run(_ bytes: [UInt8]) -> [String] {
        var now = Moment(wallMs: 1_700_000_000_000, monotonicMs: 1_000)
        var state = State(options: .init(arenaURL: "ws://127.0.0.1:8080", isAdmin: true,
                                         observerAgentId: "0b9d5f8e-1c2d-4e3f-8a9b-0c1d2e3f4a5b"), now: now)
        let view = ConsoleView(theme: .dark, colorDepth: .ansi256)
        _ = reduce(&state, .resize(columns: 100, rows: 30))
        _ = reduce(&state, .connected(at: now))
        _ = reduce(&state, .localAgentAdded(RosterEntry(agentId: localAgent, slot: 0, name: "local", color: "#e8a838",
                                                        persona: "pragmatist", version: "", connectedAt: 0)))
        var problems: [String] = []
        for (operation, body) in FuzzChunks.split(bytes) {
            let text = String(decoding: body, as: UTF8.self)
            switch operation {
            case 0xF0:
                _ = reduce(&state, .resize(columns: Int(body.first ?? 80) % 220, rows: Int(body.dropFirst().first ?? 24) % 70))
            case 0xF1:
                _ = reduce(&state, .key(keys[Int(body.first ?? 0) % keys.count]))
                if let character = body.dropFirst().first.flatMap(Unicode.Scalar.init).map(Character.init) {
                    _ = reduce(&state, .key(.character(character)))
                }
            case 0xF2:
                now = now + Int64(body.first ?? 1) * 1000
                _ = reduce(&state, .tick(now: now))
            case 0xF3:
                _ = reduce(&state, .disconnected(reason: text, at: now, jitter: 0.5))
            case 0xF4:
                let activities: [LocalActivity] = [.modelText(text), .log(level: ConsoleLogLevel(naming: text), text: text), .lifecycle(text, activity: .thinking(step: body.count)), .failed(text)]
                _ = reduce(&state, .localAgent(agentId: localAgent, activities[Int(body.first ?? 0) % activities.count]))
            default:
                _ = reduce(&state, .arena(ArenaMessage(frame: body, isBinary: operation == 0x01), at: now))
            }
            problems += drawnControls(view.render(state))
            if !problems.isEmpty { break }
        }
        return problems
    }

    /// Every cell drawn: no C0/C1 control, DEL or bidi override may reach the terminal.
    static func drawnControls(_ frame: Frame) -> [String] {
        for row in 0..<frame.height {
            for column in 0..<frame.width {
                let grapheme = frame[row: row, column: column].grapheme
                if grapheme.unicodeScalars.contains(where: isControl) {
                    return ["a control character reached the screen at row \(row), column \(column): \(grapheme.unicodeScalars.map { String($0.value, radix: 16) })"]
                }
            }
        }
        return []
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}

import ArenaProtocol
import Console
import Foundation
import Mob
import Testing
@testable import TUI

/// Golden screens: `ConsoleView.render(state).text()` compared with `__golden__/NAME.txt`.
/// Re-record after an intended change with `MOWAI_RECORD_GOLDEN=1 swift test --filter ConsoleViewGoldenTests`.
@Suite("Golden screens")
struct ConsoleViewGoldenTests {
    static let now: Moment = 1_700_000_000_000  // 22:13:20 UTC
    static let taskId = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"
    static let view = ConsoleView(theme: .dark, colorDepth: .ansi256)

    static func agentId(_ slot: Int) -> String {
        let digits = String(slot)
        return "a9e00000-0000-4000-8000-" + String(repeating: "0", count: 12 - digits.count) + digits
    }

    static func workshop(columns: Int, rows: Int, agents names: [String] = ["ada", "バベッジ", "grace", "linus", "😀 emoji"]) -> State {
        var state = State(options: .init(arenaURL: "ws://127.0.0.1:8080", isAdmin: true,
                                         observerAgentId: "0b9d5f8e-1c2d-4e3f-8a9b-0c1d2e3f4a5b"), now: now)
        _ = reduce(&state, .resize(columns: columns, rows: rows))
        _ = reduce(&state, .connected(at: now))
        let personas = ["contrarian", "synthesiser", "first-principles", "devils-advocate", "pragmatist"]
        let colors = ["#e8a838", "#5fafff", "#d75f87", "#87d787", "#af87ff"]
        let agents: [JSONValue] = names.enumerated().map { slot, name in
            ["agentId": .string(agentId(slot)), "slot": .number(Double(slot)), "name": .string(name),
             "color": .string(colors[slot % 5]), "persona": .string(personas[slot % 5]), "version": "1.0", "connectedAt": .number(Double(now.wallMs))]
        }
        _ = reduce(&state, .arena(["type": "ARENA_SNAPSHOT", "payload": [
            "agents": .array(agents),
            "tasks": [["taskId": .string(taskId), "description": "How should a city of a million people prepare for a week-long heat wave? Name three actions.", "issuedAt": .number(Double(now.wallMs))]],
            "history": [], "admin": true,
        ]], at: now))
        let thoughts = [
            (0, "Cooling centres first: libraries and malls already have the air conditioning."),
            (1, "水と日陰。高齢者の見守りを最優先に。"),
            (2, "What is actually scarce here: power, water, or people to check on neighbours?"),
            (0, "Counterpoint: the grid fails exactly when everyone turns the AC on."),
        ]
        for (index, (slot, text)) in thoughts.enumerated() where slot < names.count {
            _ = reduce(&state, .arena([
                "type": "AGENT_THOUGHT", "agentId": .string(agentId(slot)), "seq": .number(Double(index + 1)),
                "ts": .number(Double(now.wallMs + Int64(index + 1) * 7000)),
                "payload": ["taskId": .string(taskId), "step": .number(Double(index + 1)), "content": .string(text)],
            ], at: now))
        }
        if names.count > 4 {
            _ = reduce(&state, .arena([
                "type": "AGENT_RESPONSE", "agentId": .string(agentId(4)), "seq": 9, "ts": .number(Double(now.wallMs + 40_000)),
                "payload": ["taskId": .string(taskId), "content": "1) Open cooling centres. 2) Stagger industrial power use. 3) Phone tree for the elderly.", "durationMs": 38_000],
            ], at: now))
        }
        _ = reduce(&state, .key(.down))
        _ = reduce(&state, .key(.enter))
        return state
    }

    func check(_ name: String, _ state: State, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let screen = Self.view.render(state).text()
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("__golden__").appendingPathComponent("\(name).txt")
        if ProcessInfo.processInfo.environment["MOWAI_RECORD_GOLDEN"] != nil {
            try Data((screen + "\n").utf8).write(to: file)
            return
        }
        let golden = try String(contentsOf: file, encoding: .utf8)
        #expect(screen + "\n" == golden, "screen \(name) differs from __golden__/\(name).txt:\n\(screen)", sourceLocation: sourceLocation)
    }

    @Test("a workshop at 80×24: banner, roster with wide names, chat, the selected console, status")
    func workshop80x24() throws {
        try check("workshop-80x24", Self.workshop(columns: 80, rows: 24))
    }

    @Test("a hosted mob at 100×30: its members under its heading by role, with tokens, and the flow pane")
    func mob100x30() throws {
        try check("mob-100x30", Self.mob())
    }

    @Test("a mob member's console names the model it thinks with")
    func memberModel() throws {
        var state = Self.mob(model: "openai:gpt-4o-mini")
        _ = reduce(&state, .key(.down))
        _ = reduce(&state, .key(.enter))
        let screen = Self.view.render(state).text()
        // The roster's second row: the pragmatist (the mob's members are local agents).
        #expect(screen.contains("┌─ pragmatist · pragmatist · local · openai:gpt-4o-mini ─"), "\(screen)")
    }

    static func mob(model: String = "") -> State {
        var state = State(options: .init(arenaURL: "ws://127.0.0.1:8080", isAdmin: true,
                                         observerAgentId: "0b9d5f8e-1c2d-4e3f-8a9b-0c1d2e3f4a5b"), now: now)
        _ = reduce(&state, .resize(columns: 100, rows: 30))
        _ = reduce(&state, .connected(at: Self.now))
        let members = [("contrarian", "contrarian", 0), ("pragmatist", "pragmatist", 1), ("helper", "pragmatist", 2), ("synthesiser", "synthesiser", 3)]
        _ = reduce(&state, .mobAttached(MobView(
            id: "workshop", profiles: ["contrarian", "pragmatist", "synthesiser"],
            flows: [FlowOutline(id: "debate", steps: [("contrarian", "contrarian"), ("pragmatist", "pragmatist"), ("synthesis", "synthesiser")], parameters: ["task"])],
            members: members.map { MobMemberView(id: $0.0, profile: $0.1, agentId: Self.agentId($0.2), model: model) })))
        let agents: [JSONValue] = members.map { name, profile, slot in
            ["agentId": .string(Self.agentId(slot)), "slot": .number(Double(slot)), "name": .string(name), "color": "#87d787",
             "persona": .string(profile), "version": "1.0", "connectedAt": .number(Double(Self.now.wallMs))]
        }
        _ = reduce(&state, .arena(["type": "ARENA_SNAPSHOT", "payload": ["agents": .array(agents), "tasks": [
            ["taskId": .string(Self.taskId), "description": "Plan a picnic for twelve", "issuedAt": .number(Double(Self.now.wallMs))]],
            "history": [], "admin": true]], at: Self.now))
        func event(_ payload: MobEventPayload, from source: String = "workshop") -> Action {
            .mob(MobEvent(eventId: "e", source: source, seq: 1, mobId: "workshop", timestampMs: Self.now.wallMs, payload: payload))
        }
        _ = reduce(&state, event(.flowStarted(runId: "workshop-flow-1", flowId: "debate", params: ["task": "Plan a picnic for twelve"])))
        for (step, target) in [("contrarian", "contrarian"), ("pragmatist", "pragmatist"), ("pragmatist", "helper")] {
            _ = reduce(&state, event(.stepDispatched(runId: "workshop-flow-1", stepId: step, target: target, memberRunId: "r", attempt: 1)))
        }
        _ = reduce(&state, event(.stepCompleted(runId: "workshop-flow-1", stepId: "contrarian", target: "contrarian", output: "No.", durationMs: 900)))
        _ = reduce(&state, event(.stepCompleted(runId: "workshop-flow-1", stepId: "contrarian", target: nil, output: "No.", durationMs: 900)))
        _ = reduce(&state, event(.stepCompleted(runId: "workshop-flow-1", stepId: "pragmatist", target: "pragmatist", output: "Bread.", durationMs: 900)))
        _ = reduce(&state, event(.turnCompleted(runId: "r", turnId: "r.1", stopReason: .endTurn, usage: TokenUsage(inputTokens: 200, outputTokens: 40)), from: "pragmatist"))
        return state
    }

    @Test("the same workshop at 140×45: chat and console side by side")
    func workshop140x45() throws {
        try check("workshop-140x45", Self.workshop(columns: 140, rows: 45))
    }

    @Test("a long roster keeps the cursor in view")
    func longRoster() throws {
        var state = Self.workshop(columns: 80, rows: 24, agents: (0..<40).map { "agent-\($0)" })
        for _ in 0..<28 { _ = reduce(&state, .key(.up)) }  // focus is on the console: scroll it
        _ = reduce(&state, .key(.tab))  // back to the roster
        for _ in 0..<30 { _ = reduce(&state, .key(.down)) }
        try check("long-roster-80x24", state)
    }

    @Test("the help overlay")
    func help() throws {
        var state = Self.workshop(columns: 80, rows: 24)
        _ = reduce(&state, .key(.character("?")))
        try check("help-80x24", state)
    }

    @Test("a terminal shrunk to 20×6 asks to be enlarged")
    func tooSmall() throws {
        try check("too-small-20x6", Self.workshop(columns: 20, rows: 6))
    }

    @Test("the consoles grid at 140×45")
    func grid() throws {
        var state = Self.workshop(columns: 140, rows: 45)
        _ = reduce(&state, .key(.character("g")))
        try check("grid-140x45", state)
    }

    @Test("reconnecting: the status bar counts down; typing a command shows in the input line")
    func reconnecting() throws {
        var state = Self.workshop(columns: 80, rows: 24)
        _ = reduce(&state, .disconnected(reason: "connection refused", at: Self.now + 50_000, jitter: 0.5))
        _ = reduce(&state, .tick(now: Self.now + 50_400))
        for character in "/task Plan the next step" { _ = reduce(&state, .key(.character(character))) }
        try check("reconnecting-80x24", state)
    }

    @Test("hostile text from agents never reaches the terminal as control sequences")
    func hostileText() {
        var state = Self.workshop(columns: 80, rows: 24, agents: ["evil\u{1B}[2J\u{1B}]0;pwned\u{07}", "ok"])
        _ = reduce(&state, .arena([
            "type": "AGENT_THOUGHT", "agentId": .string(Self.agentId(0)), "seq": 99, "ts": .number(Double(Self.now.wallMs)),
            "payload": ["taskId": .string(Self.taskId), "step": 1, "content": "\u{1B}[31mred\u{9B}1m\u{202E}reversed\r\n"],
        ], at: Self.now))
        let frame = Self.view.render(state)
        for row in 0..<frame.height {
            for column in 0..<frame.width {
                let grapheme = frame[row: row, column: column].grapheme
                #expect(!grapheme.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "\u{202E}" },
                        "control character at \(row),\(column)")
            }
        }
    }

    @Test("every theme file in themes/ loads and equals its built-in copy")
    func themes() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("themes")
        for name in ["dark", "light", "high-contrast", "monochrome"] {
            let path = directory.appendingPathComponent("\(name).json").path
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            let theme = try Theme.parse(bytes, file: path).get()
            #expect(theme.name == name)
            #expect(Theme.builtIn[name] == theme, "the built-in \(name) matches themes/\(name).json")
        }
    }

    @Test("a broken theme names the file and the field at fault")
    func brokenTheme() {
        let missing = Theme.parse(Array(##"{"colors":{"text":"#fff"}}"##.utf8), file: "my.json")
        #expect(missing == .failure(Theme.LoadError(file: "my.json", problem: "field colors.muted is missing")))
        var colors = Theme.keys.map { "\"\($0)\":\"#000000\"" }
        colors[3] = "\"focus\":\"blue\""
        let invalid = Theme.parse(Array("{\"colors\":{\(colors.joined(separator: ","))}}".utf8), file: "my.json")
        #expect(invalid == .failure(Theme.LoadError(file: "my.json", problem: "field colors.focus is \"blue\", not \"#rrggbb\", \"#rgb\" or \"default\"")))
        let garbage: Result<Theme, Theme.LoadError> = Theme.parse(Array("not json".utf8), file: "x.json")
        #expect(garbage.failure?.description.contains("x.json") == true)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

@Suite("The input line")
struct InputLineTests {
    @Test("a command longer than the line shows its end and never overwrites the prompt")
    func longInput() {
        var state = ConsoleViewGoldenTests.workshop(columns: 80, rows: 24)
        for character in "/task " + String(repeating: "abcdefghij", count: 12) + "END" {
            _ = reduce(&state, .key(.character(character)))
        }
        let lines = ConsoleViewGoldenTests.view.render(state).text().split(separator: "\n", omittingEmptySubsequences: false)
        let input = String(lines[23])
        #expect(input.hasPrefix("› "))
        #expect(input.hasSuffix("END"))
        #expect(input.displayWidth <= 80)
    }
}

extension Action {
    /// An arena message written as JSON, through the one decoder, as the shell delivers it.
    static func arena(_ object: JSONObject, at moment: Moment) -> Action {
        .arena(ArenaMessage(object), at: moment)
    }
}

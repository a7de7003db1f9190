import ArenaProtocol
@testable import Console
import Testing

/// An exhaustive test store: each `send` states exactly how the state changes and which effects come out.
struct ConsoleStore {
    private(set) var state: State

    init(admin: Bool = false, now: Moment = now) {
        state = State(options: .init(arenaURL: "ws://127.0.0.1:8080", isAdmin: admin,
                                     observerAgentId: "0b9d5f8e-1c2d-4e3f-8a9b-0c1d2e3f4a5b"), now: now)
    }

    /// Sends `action`; `change` describes every expected difference; `effects` are the exact effects.
    mutating func send(
        _ action: Action, effects expectedEffects: [Effect] = [], sourceLocation: SourceLocation = #_sourceLocation,
        _ change: (inout State) -> Void = { _ in }
    ) {
        var expected = state
        change(&expected)
        let effects = reduce(&state, action)
        #expect(effects == expectedEffects, sourceLocation: sourceLocation)
        #expect(state == expected, sourceLocation: sourceLocation)
    }

    /// Sends without checking the state (setting the scene); returns the effects.
    @discardableResult
    mutating func prepare(_ action: Action) -> [Effect] { reduce(&state, action) }

    /// Types a whole command line, then Enter; returns the effects of Enter.
    mutating func type(_ line: String) -> [Effect] {
        for character in line { prepare(.key(.character(character))) }
        return prepare(.key(.enter))
    }
}

/// The wall and monotonic clocks both read this at the start of every test.
let now: Moment = 1_700_000_000_000
let nowMs: Int64 = now.wallMs
let taskId = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"

func entry(_ name: String, slot: Int, id: String? = nil) -> JSONValue {
    [
        "agentId": .string(id ?? agentId(slot)), "slot": .number(Double(slot)), "name": .string(name),
        "color": "#e8a838", "persona": "pragmatist", "version": "1.0.0", "connectedAt": .number(Double(nowMs)),
    ]
}

func agentId(_ slot: Int) -> String { "a9e00000-0000-4000-8000-\(twelveDigits(slot))" }

func thought(_ content: String, from slot: Int, seq: Int, step: Int = 1) -> JSONObject {
    ["type": "AGENT_THOUGHT", "agentId": .string(agentId(slot)), "slot": 0, "seq": .number(Double(seq)),
     "ts": .number(Double(nowMs + Int64(seq))), "payload": ["taskId": .string(taskId), "step": .number(Double(step)), "content": .string(content)]]
}

func snapshot(agents: [JSONValue], tasks: [JSONValue] = [], history: [JSONObject] = [], admin: Bool = false) -> JSONObject {
    ["type": "ARENA_SNAPSHOT", "payload": ["agents": .array(agents), "tasks": .array(tasks),
                                           "history": .array(history.map(JSONValue.object)), "admin": .bool(admin)]]
}

func twelveDigits(_ value: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, 12 - digits.count)) + digits
}

extension Action {
    /// An arena message written as JSON, through the one decoder, as the shell delivers it.
    static func arena(_ object: JSONObject, at moment: Moment) -> Action {
        .arena(ArenaMessage(object), at: moment)
    }
}

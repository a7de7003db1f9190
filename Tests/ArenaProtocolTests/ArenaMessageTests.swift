import ArenaProtocol
import Testing

/// The one decoder of what arenas send: what `mowai arena` builds decodes whole; anything else is a
/// value with a reason, never a trap.
@Suite("Decoding what arenas send")
struct ArenaMessageTests {
    let ts: Int64 = 1_700_000_123_456
    static let peerId = "0b5e7c1d-2a3f-4e6d-9b8c-7a6f5e4d3c2b"

    func decoded(_ text: String) -> ArenaMessage { ArenaMessage(frame: Array(text.utf8)) }

    /// The problem a malformed frame reports, or nil when it decoded.
    func problem(_ message: JSONObject) -> String? {
        if case .malformed(let frame) = ArenaMessage(message) { return frame.description }
        return nil
    }

    // MARK: What the arenas build

    @Test("every message the relay builds decodes to its type, whole")
    func roundTrip() {
        let task = GlobalTaskPayload(taskId: taskId, description: "Plan a picnic", issuedAt: ts)
        let entry = RosterEntry(agentId: agentId, slot: 4, name: "ada", color: "#e8a838", persona: "pragmatist",
                                version: "1.0", connectedAt: ts)
        let thought = AgentThoughtPayload(taskId: taskId, step: 2, content: "costs matter")
        #expect(ArenaMessage(frame: ServerMessages.ping(ts: ts)) == .ping)
        #expect(ArenaMessage(frame: ServerMessages.pong(ts: ts)) == .pong)
        #expect(ArenaMessage(frame: ServerMessages.ack(slot: 3, connectedPeers: 2, ts: ts)) == .ack(ArenaAck(slot: 3, connectedPeers: 2)))
        #expect(ArenaMessage(frame: ServerMessages.globalTask(task, ts: ts)) == .task(task))
        #expect(ArenaMessage(frame: ServerMessages.peerThought(from: Self.peerId, thought, ts: ts))
            == .peerThought(PeerThought(sourceAgentId: Self.peerId, taskId: taskId, step: 2, content: "costs matter")))
        #expect(ArenaMessage(frame: ServerMessages.agentDisconnect(agentId: agentId, name: "ada", slot: 4, reason: "Idle timeout", ts: ts))
            == .agentLeft(AgentLeft(agentId: agentId, reason: "Idle timeout")))
        #expect(ArenaMessage(frame: ServerMessages.agentDisconnect(agentId: agentId, name: "ada", slot: 4, reason: nil, ts: ts))
            == .agentLeft(AgentLeft(agentId: agentId, reason: nil)))
        #expect(ArenaMessage(frame: ServerMessages.error("Invalid seq", targetAgentId: agentId, ts: ts)) == .error(reason: "Invalid seq"))
        #expect(ArenaMessage(frame: ServerMessages.bareError("Malformed JSON")) == .error(reason: "Malformed JSON"))
        #expect(ArenaMessage(frame: ServerMessages.agentJoin(entry, ts: ts)) == .agentJoined(entry))
        #expect(ArenaMessage(frame: ServerMessages.tasksCleared(count: 2, ts: ts)) == .tasksCleared)
        #expect(ArenaMessage(frame: ServerMessages.adminResult(action: "kick", outcome: ["ok": false, "error": "No agent"], ts: ts))
            == .adminResult(AdminResult(action: "kick", succeeded: false, error: "No agent")))
        let history: [JSONValue] = [.object(thoughtFrame(seq: 1)), .object(responseFrame(seq: 2))]
        let snapshot = ServerMessages.snapshot(roster: [entry], tasks: [task], history: history, spectators: 1, isAdmin: true, ts: ts)
        #expect(ArenaMessage(frame: snapshot) == .snapshot(ArenaSnapshot(
            agents: [entry], tasks: [task],
            history: [.thought(RelayedThought(agentId: agentId, seq: 1, ts: ts, taskId: taskId, step: 1, content: "hmm")),
                      .response(RelayedResponse(agentId: agentId, seq: 2, ts: ts, taskId: taskId, content: "done", durationMs: 12.5))],
            isAdmin: true)))
    }

    @Test("relayed thoughts and responses keep their author's envelope")
    func relayed() {
        #expect(ArenaMessage(thoughtFrame(seq: 7)) == .thought(RelayedThought(agentId: agentId, seq: 7, ts: ts, taskId: taskId, step: 1, content: "hmm")))
        #expect(ArenaMessage(responseFrame(seq: 8))
            == .response(RelayedResponse(agentId: agentId, seq: 8, ts: ts, taskId: taskId, content: "done", durationMs: 12.5)))
    }

    @Test("unknown extra fields are ignored, as the original relays them untouched")
    func extraFields() {
        var frame = thoughtFrame(seq: 1)
        frame["x-extension"] = ["anything": [1, 2, 3]]
        #expect(ArenaMessage(frame) == ArenaMessage(thoughtFrame(seq: 1)))
    }

    // MARK: Numbers

    struct NumberCase: CustomTestStringConvertible, Sendable {
        let testDescription: String
        let value: JSONValue
    }

    static let badNumbers: [NumberCase] = [
        NumberCase(testDescription: "1e300", value: 1e300), NumberCase(testDescription: "-1e300", value: -1e300),
        NumberCase(testDescription: "-1", value: -1), NumberCase(testDescription: "1.5", value: 1.5),
        NumberCase(testDescription: "2^63", value: 9_223_372_036_854_775_808.0), NumberCase(testDescription: "2^53 + 2", value: 9_007_199_254_740_994),
        NumberCase(testDescription: "a string", value: "12"), NumberCase(testDescription: "null", value: .null),
        NumberCase(testDescription: "true", value: true), NumberCase(testDescription: "an object", value: [:]),
        NumberCase(testDescription: "an array", value: []),
    ]

    @Test("out-of-range, fractional and mistyped numbers are refused in every field that holds one", arguments: badNumbers)
    func numbers(_ bad: NumberCase) {
        let fields: [(JSONObject, String)] = [
            (["type": "ARENA_ACK", "payload": ["slot": bad.value, "connectedPeers": 1]], "ARENA_ACK: payload.slot"),
            (["type": "ARENA_ACK", "payload": ["slot": 1, "connectedPeers": bad.value]], "ARENA_ACK: payload.connectedPeers"),
            (["type": "GLOBAL_TASK", "payload": ["taskId": .string(taskId), "description": "d", "issuedAt": bad.value]], "GLOBAL_TASK: payload.issuedAt"),
            (["type": "PEER_THOUGHT", "payload": ["sourceAgentId": .string(Self.peerId), "taskId": .string(taskId), "step": bad.value, "content": "c"]],
             "PEER_THOUGHT: payload.step"),
            (changed(thoughtFrame(seq: 1)) { $0["seq"] = bad.value }, "AGENT_THOUGHT: seq"),
            (changed(thoughtFrame(seq: 1)) { $0["ts"] = bad.value }, "AGENT_THOUGHT: ts"),
            (changed(thoughtFrame(seq: 1)) { $0["payload"] = ["taskId": .string(taskId), "step": bad.value, "content": "c"] }, "AGENT_THOUGHT: payload.step"),
            (changed(responseFrame(seq: 1)) { $0["payload"] = ["taskId": .string(taskId), "content": "c", "durationMs": bad.value] },
             "AGENT_RESPONSE: payload.durationMs"),
            (["type": "AGENT_JOIN", "agentId": .string(agentId), "payload": rosterJSON { $0["slot"] = bad.value }], "AGENT_JOIN: payload.slot"),
            (["type": "AGENT_JOIN", "agentId": .string(agentId), "payload": rosterJSON { $0["connectedAt"] = bad.value }], "AGENT_JOIN: payload.connectedAt"),
        ]
        for (message, prefix) in fields {
            // durationMs takes fractions: 1.5 ms is a fine duration.
            if prefix.hasSuffix("durationMs") && bad.testDescription == "1.5" { continue }
            // connectedPeers only informs: null stands for absent.
            if prefix.hasSuffix("connectedPeers") && bad.testDescription == "null" { continue }
            let reason = problem(message)
            #expect(reason?.hasPrefix(prefix + " ") == true, "\(prefix): \(String(describing: reason))")
        }
    }

    @Test("a number out of range says what was expected and what came")
    func numberWording() {
        #expect(problem(["type": "ARENA_ACK", "payload": ["slot": 1e300]])
            == "ARENA_ACK: payload.slot must be an integer from 0 to 2147483647 (got 1e+300)")
        #expect(problem(["type": "ARENA_ACK", "payload": ["slot": "3"]]) == "ARENA_ACK: payload.slot is a string, not a number")
        #expect(problem(["type": "ARENA_ACK", "payload": [:]]) == "ARENA_ACK: payload.slot is missing")
        #expect(problem(["type": "ARENA_ACK"]) == "ARENA_ACK: payload is missing")
        #expect(problem(["type": "ARENA_ACK", "payload": "slot"]) == "ARENA_ACK: payload is a string, not an object")
    }

    @Test("numbers JSON cannot hold (1e999, NaN, Infinity) make the frame malformed")
    func nonFinite() {
        for text in [#"{"type":"ARENA_ACK","payload":{"slot":1e999}}"#, #"{"type":"ARENA_ACK","payload":{"slot":NaN}}"#,
                     #"{"type":"ARENA_ACK","payload":{"slot":Infinity}}"#, #"{"type":"ARENA_ACK","payload":{"slot":-1e999}}"#] {
            guard case .malformed = decoded(text) else { Issue.record("decoded \(text)"); continue }
        }
    }

    @Test("ARENA_ACK without connectedPeers is fine (it only informs); with -0 as slot it is slot 0")
    func optionalPeers() {
        #expect(ArenaMessage(["type": "ARENA_ACK", "payload": ["slot": 2]]) == .ack(ArenaAck(slot: 2, connectedPeers: nil)))
        #expect(decoded(#"{"type":"ARENA_ACK","payload":{"slot":-0}}"#) == .ack(ArenaAck(slot: 0, connectedPeers: nil)))
    }

    // MARK: Strings

    @Test("strings past the contract's lengths are refused, counted in UTF-16 units")
    func lengths() {
        let long = String(repeating: "x", count: 8192)
        #expect(problem(["type": "GLOBAL_TASK", "payload": ["taskId": .string(taskId), "description": .string(long), "issuedAt": 1]])
            == "GLOBAL_TASK: payload.description is 8192 characters long (at most 512)")
        #expect(problem(["type": "GLOBAL_TASK", "payload": ["taskId": .string(taskId), "description": .string(text("😀", units: 514)), "issuedAt": 1]])
            == "GLOBAL_TASK: payload.description is 514 characters long (at most 512)")
        #expect(ArenaMessage(["type": "GLOBAL_TASK", "payload": ["taskId": .string(taskId), "description": .string(text("😀", units: 512)), "issuedAt": 1]])
            == .task(GlobalTaskPayload(taskId: taskId, description: text("😀", units: 512), issuedAt: 1)))
        #expect(problem(["type": "ARENA_ERROR", "payload": ["reason": .string(long + "x")]]) == "ARENA_ERROR: payload.reason is 8193 characters long (at most 8192)")
        #expect(problem(["type": "AGENT_JOIN", "agentId": .string(agentId), "payload": rosterJSON { $0["name"] = .string(long) }])
            == "AGENT_JOIN: payload.name is 8192 characters long (at most 64)")
        #expect(problem(["type": "PEER_THOUGHT", "payload": ["sourceAgentId": .string(long), "taskId": .string(taskId), "step": 1, "content": "c"]])
            == "PEER_THOUGHT: payload.sourceAgentId is 8192 characters long (at most 36)")
    }

    @Test("ids must be UUID v4: a task id like task-1 is refused")
    func ids() {
        #expect(problem(["type": "GLOBAL_TASK", "payload": ["taskId": "task-1", "description": "d", "issuedAt": 1]])
            == "GLOBAL_TASK: payload.taskId is not a UUID v4")
        #expect(problem(changed(thoughtFrame(seq: 1)) { $0["agentId"] = "00000000-0000-0000-0000-000000000000" })
            == "AGENT_THOUGHT: agentId is not a UUID v4")
    }

    @Test("escape sequences in text are kept as text: decoding bounds, the sanitizer neutralises where it is shown")
    func escapesPass() {
        let evil = "\u{1B}]0;pwned\u{7}\u{1B}[2J\u{202E}"
        #expect(ArenaMessage(["type": "ARENA_ERROR", "payload": ["reason": .string(evil)]]) == .error(reason: evil))
    }

    // MARK: Frames that are no message

    @Test("not JSON, not an object, no type, a type that is no string: malformed, with the reason")
    func notMessages() {
        func reason(_ text: String) -> String? {
            if case .malformed(let frame) = decoded(text) { return frame.description }
            return nil
        }
        #expect(reason("not json") == "is not JSON (8 bytes)")
        #expect(reason("") == "is not JSON (0 bytes)")
        #expect(reason("[]") == "is an array, not a JSON object")
        #expect(reason("null") == "is null, not a JSON object")
        #expect(reason(#""str""#) == "is a string, not a JSON object")
        #expect(reason("42") == "is a number, not a JSON object")
        #expect(reason(#"{"payload":{}}"#) == "type is missing")
        #expect(reason(#"{"type":123}"#) == "type is a number, not a string")
        #expect(reason(#"{"type":null}"#) == "type is null, not a string")
        #expect(reason(String(repeating: "[", count: 100_000)) == "is not JSON (100000 bytes)")
        #expect(ArenaMessage(frame: Array([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D])) == .malformed(MalformedFrame(type: nil, field: "frame", problem: "is not JSON (8 bytes)")))
    }

    @Test("binary frames are refused: arenas send text")
    func binary() {
        let task = ServerMessages.globalTask(GlobalTaskPayload(taskId: taskId, description: "d", issuedAt: 1), ts: ts)
        guard case .malformed(let frame) = ArenaMessage(frame: task, isBinary: true) else { Issue.record("decoded"); return }
        #expect(frame.description == "is binary (\(task.count) bytes); arenas send JSON text")
    }

    @Test("unknown types are values, cut to a bounded name; types clients send are malformed")
    func unknownTypes() {
        #expect(decoded(#"{"type":"FOO"}"#) == .unknown(type: "FOO"))
        #expect(decoded(#"{"type":"__proto__"}"#) == .unknown(type: "__proto__"))
        #expect(decoded(#"{"type":""}"#) == .unknown(type: ""))
        #expect(ArenaMessage(["type": .string(String(repeating: "T", count: 5000))]) == .unknown(type: String(repeating: "T", count: 64)))
        #expect(problem(["type": "AGENT_CONNECT", "payload": [:]]) == "AGENT_CONNECT: type is a message clients send, not arenas")
        #expect(problem(["type": "SPECTATE"]) == "SPECTATE: type is a message clients send, not arenas")
    }

    @Test("a snapshot with one broken history entry is refused, naming the entry")
    func brokenSnapshot() {
        let history: [JSONValue] = [.object(thoughtFrame(seq: 1)), .object(changed(thoughtFrame(seq: 2)) { $0["payload"] = ["step": 0] })]
        let snapshot: JSONObject = ["type": "ARENA_SNAPSHOT", "payload": ["agents": [], "tasks": [], "history": .array(history)]]
        #expect(problem(snapshot) == "ARENA_SNAPSHOT: payload.history[1].payload.taskId is missing")
        let wrongType: JSONObject = ["type": "ARENA_SNAPSHOT", "payload": ["agents": [], "tasks": [], "history": [["type": "GLOBAL_TASK"]]]]
        #expect(problem(wrongType) == "ARENA_SNAPSHOT: payload.history[0].type must be AGENT_THOUGHT or AGENT_RESPONSE")
        let notObjects: JSONObject = ["type": "ARENA_SNAPSHOT", "payload": ["agents": [1], "tasks": [], "history": []]]
        #expect(problem(notObjects) == "ARENA_SNAPSHOT: payload.agents[0] is a number, not an object")
        let tooMany: JSONObject = ["type": "ARENA_SNAPSHOT", "payload": ["agents": [], "tasks": .array(Array(repeating: [:], count: 1001)), "history": []]]
        #expect(problem(tooMany) == "ARENA_SNAPSHOT: payload.tasks has 1001 entries (at most 1000)")
    }

    @Test("GET /agents: the roster, each entry bounded; a broken body is refused whole")
    func agentsBody() throws {
        let body = JSONCodec.encode(JSONValue.array([rosterJSON { _ in }]))
        #expect(try ArenaMessage.roster(fromAgentsBody: body).get().map(\.name) == ["ada"])
        let broken = JSONCodec.encode(JSONValue.array([rosterJSON { $0["slot"] = 1e300 }]))
        guard case .failure(let failure) = ArenaMessage.roster(fromAgentsBody: broken) else { Issue.record("decoded"); return }
        #expect(failure.description.hasPrefix("GET /agents: agents[0].slot must be an integer"))
        guard case .failure = ArenaMessage.roster(fromAgentsBody: Array("<html>".utf8)) else { Issue.record("decoded"); return }
    }

    // MARK: Told once

    @Test("each kind of rejected frame is told once; a flood is summed up at 10, 100, 1000…")
    func rejectedOnce() {
        var rejected = RejectedFrames()
        let badSlot = ArenaMessage(["type": "ARENA_ACK", "payload": ["slot": 1e300]])
        let otherBadField = ArenaMessage(["type": "ARENA_ACK", "payload": ["slot": 1, "connectedPeers": -5]])
        #expect(rejected.record(badSlot)?.hasPrefix("ignored a malformed frame from the arena: ARENA_ACK: payload.slot") == true)
        #expect(rejected.record(otherBadField) == nil, "another ARENA_ACK gone wrong: not told twice")
        #expect(rejected.record(.unknown(type: "FOO")) == "ignored a message of a type this version does not know: FOO (frames like it are not shown again)")
        #expect(rejected.record(.unknown(type: "BAR")) == nil)
        #expect(rejected.record(.ping) == nil)
        var told: [String] = []
        for _ in 0..<9996 { if let sentence = rejected.record(badSlot) { told.append(sentence) } }
        #expect(told == ["10 frames from the arena ignored so far (malformed or of unknown types)",
                         "100 frames from the arena ignored so far (malformed or of unknown types)",
                         "1000 frames from the arena ignored so far (malformed or of unknown types)",
                         "10000 frames from the arena ignored so far (malformed or of unknown types)"])
        #expect(rejected.count == 10_000)
    }

    @Test("a hostile arena varying its mistakes cannot fill the screen: kinds are per message type")
    func kindsAreFew() {
        var rejected = RejectedFrames()
        var told = (0..<1000).compactMap { rejected.record(.unknown(type: "T\($0)")) }
        for type in MessageType.allCases {
            for field in ["payload", "payload.slot", "seq", "ts", "agentId"] {
                let sentence = rejected.record(.malformed(MalformedFrame(type: type.rawValue, field: field, problem: "is wrong")))
                if let sentence { told.append(sentence) }
            }
        }
        for size in 0..<100 {
            if let sentence = rejected.record(ArenaMessage(frame: Array(repeating: UInt8(ascii: "x"), count: size))) { told.append(sentence) }
        }
        // One unknown type, one per message type, one for frames that are not JSON; and the milestones.
        #expect(told.filter { !$0.contains("so far") }.count == 1 + MessageType.allCases.count + 1, "\(told)")
    }

    // MARK: Helpers

    func thoughtFrame(seq: Int) -> JSONObject {
        ["type": "AGENT_THOUGHT", "agentId": .string(agentId), "slot": 0, "seq": .number(Double(seq)), "ts": .number(Double(ts)),
         "payload": ["taskId": .string(taskId), "step": 1, "content": "hmm"]]
    }

    func responseFrame(seq: Int) -> JSONObject {
        ["type": "AGENT_RESPONSE", "agentId": .string(agentId), "slot": 0, "seq": .number(Double(seq)), "ts": .number(Double(ts)),
         "payload": ["taskId": .string(taskId), "content": "done", "durationMs": 12.5]]
    }

    func rosterJSON(_ change: (inout JSONObject) -> Void) -> JSONValue {
        var entry: JSONObject = ["agentId": .string(agentId), "slot": 4, "name": "ada", "color": "#e8a838", "persona": "pragmatist",
                                 "version": "1.0", "connectedAt": .number(Double(ts))]
        change(&entry)
        return .object(entry)
    }

    func changed(_ message: JSONObject, _ change: (inout JSONObject) -> Void) -> JSONObject {
        var copy = message
        change(&copy)
        return copy
    }
}

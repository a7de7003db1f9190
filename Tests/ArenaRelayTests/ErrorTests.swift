import ArenaProtocol
import ArenaRelay
import Testing

@Suite("Errors after connect")
struct ErrorTests {
    @Test("An invalid message gets a full ARENA_ERROR naming its target; the socket stays open")
    func fullError() throws {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let bob = arena.connectAgent("Bob")
        let effects = arena.sendInvalid(from: ada)

        #expect(effects.recipients == [ada.connection])
        #expect(effects.closes.isEmpty)
        let error = try #require(effects.messages(to: ada.connection).first)
        #expect(error == [
            "type": "ARENA_ERROR", "agentId": .string(ProtocolLimits.serverAgentId), "slot": 0, "seq": 0,
            "ts": .number(Double(arena.now)),
            "payload": ["reason": "AGENT_THOUGHT: step must be a positive integer", "targetAgentId": .string(ada.id)],
        ])
        #expect(arena.think("still here", from: ada).types(to: bob.connection) == ["AGENT_THOUGHT", "PEER_THOUGHT"])
    }

    @Test("Each rule's reason reaches the agent", arguments: [
        ("NOPE", ["x": 1], "Unknown message type: NOPE"),
        ("SPECTATE", [:], "Unknown message type: SPECTATE"),
        ("AGENT_THOUGHT", ["taskId": "t", "step": 1, "content": "x"], "AGENT_THOUGHT: taskId must be UUID v4"),
        ("AGENT_RESPONSE", ["taskId": .string(sampleTaskId), "content": "x", "durationMs": -5],
         "AGENT_RESPONSE: durationMs must be a non-negative number"),
        ("AGENT_RESPONSE", ["taskId": .string(sampleTaskId), "content": .string(String(repeating: "界", count: 2049)), "durationMs": 1],
         "AGENT_RESPONSE: content missing or too long (max 2048)"),
    ] as [(String, JSONValue, String)])
    func reasons(type: String, payload: JSONValue, reason: String) {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let effects = arena.send(type, payload: payload, from: ada)
        #expect(effects.messages(to: ada.connection).map(\.reason) == [reason])
    }

    @Test("Envelope rules apply after connect: seq, ts and drift")
    func envelopeAfterConnect() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        _ = arena.think("one", from: ada, seq: 2)
        #expect(arena.think("again", from: ada, seq: 2).messages(to: ada.connection).map(\.reason) == ["Non-increasing seq: got 2, last was 2"])
        let late = arena.send("AGENT_THOUGHT", payload: [:], from: ada, seq: 3, ts: arena.now - 31_000)
        #expect(late.messages(to: ada.connection).map(\.reason) == ["Timestamp drift too large: 31000ms (max 30000ms)"])
    }

    @Test("A message whose envelope passed but whose payload failed still consumes its seq")
    func payloadFailureConsumesSeq() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let failed = arena.think("step zero", step: 0, from: ada, seq: 5)
        #expect(failed.messages(to: ada.connection).map(\.reason) == ["AGENT_THOUGHT: step must be a positive integer"])
        let retried = arena.think("step one", step: 1, from: ada, seq: 5)
        #expect(retried.messages(to: ada.connection).map(\.reason) == ["Non-increasing seq: got 5, last was 5"])
        #expect(arena.think("step one", step: 1, from: ada, seq: 6).types(to: ada.connection) == ["AGENT_THOUGHT"])
    }

    @Test("A message whose envelope failed does not consume its seq")
    func envelopeFailureKeepsSeq() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let drifted = arena.send("AGENT_THOUGHT", payload: [:], from: ada, seq: 5, ts: arena.now + 60_000)
        #expect(drifted.messages(to: ada.connection).first?.reason?.hasPrefix("Timestamp drift too large") == true)
        #expect(arena.think("on time", from: ada, seq: 5).types(to: ada.connection) == ["AGENT_THOUGHT"])
    }

    @Test("PING is answered and PONG is accepted without an envelope or a seq")
    func pingPongAfterConnect() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        #expect(arena.receive(#"{"type":"PING"}"#, from: ada.connection).withoutLogs == [.send(ServerMessages.pong(ts: arena.now), to: [ada.connection])])
        #expect(arena.receive(#"{"type":"PONG","ts":1}"#, from: ada.connection).withoutLogs.isEmpty)
    }

    @Test("Server-side types from an agent are ignored, as the original does, and consume their seq", arguments: [
        "ARENA_ACK", "PEER_THOUGHT", "AGENT_DISCONNECT", "ARENA_ERROR",
    ])
    func serverTypesIgnored(type: String) {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        _ = arena.connectAgent("Bob")
        #expect(arena.send(type, payload: ["slot": 9], from: ada, seq: 3).withoutLogs.isEmpty)
        #expect(arena.think("x", from: ada, seq: 3).messages(to: ada.connection).map(\.reason) == ["Non-increasing seq: got 3, last was 3"])
        #expect(arena.relay.agents.map(\.name) == ["Ada", "Bob"])
    }
}

@Suite("A second AGENT_CONNECT")
struct ReconnectOnSameSocketTests {
    @Test("A valid second connect is ignored: the agent keeps its name and slot")
    func validSecondConnect() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let effects = arena.send("AGENT_CONNECT", payload: ArenaHarness.connectPayload(name: "Eve"), from: ada)
        #expect(effects.withoutLogs.isEmpty)
        #expect(arena.relay.agents.map(\.name) == ["Ada"])
        #expect(arena.relay.agents.map(\.slot) == [0])
    }

    @Test("An invalid second connect is a counted error like any other")
    func invalidSecondConnect() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let effects = arena.send("AGENT_CONNECT", payload: ["name": "Ada"], from: ada)
        #expect(effects.messages(to: ada.connection).map(\.reason) == ["AGENT_CONNECT: color missing or too long (max 32)"])
        #expect(effects.closes.isEmpty)
    }
}

@Suite("Error rate")
struct ErrorRateTests {
    @Test("Ten counted errors are tolerated; the eleventh within 60 s closes 1008")
    func eleventhErrorCloses() throws {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let bob = arena.connectAgent("Bob")
        for _ in 1...10 {
            arena.advance(byMs: 1000)
            let effects = arena.sendInvalid(from: ada)
            #expect(effects.types(to: ada.connection) == ["ARENA_ERROR"])
            #expect(effects.closes.isEmpty)
        }
        arena.advance(byMs: 1000)
        let effects = arena.sendInvalid(from: ada)
        #expect(effects.types(to: ada.connection) == ["ARENA_ERROR"])
        #expect(effects.closes == [Closing(connection: ada.connection, code: 1008, reason: "Error rate exceeded (11 errors in 60s)")])
        let notice = try #require(effects.messages(to: bob.connection).first)
        #expect(notice.type == "AGENT_DISCONNECT")
        #expect(notice["agentId"] == .string(ada.id))
        #expect(notice.payload?["name"] == "Ada")
        #expect(notice.payload?["slot"] == 0)
        #expect(arena.relay.agents.map(\.name) == ["Bob"])

        // The socket is closing: nothing more is heard from it, and its close event announces nothing twice.
        #expect(arena.think("late", from: ada).isEmpty)
        #expect(arena.close(ada.connection).isEmpty)
    }

    @Test("Every kind of counted error counts, and valid messages in between do not reset the count")
    func mixedErrors() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let other = arena.makeAgentId()
        let mistakes: [(inout ArenaHarness) -> [RelayEffect]] = [
            { $0.send("NOPE", payload: [:], from: ada) },
            { $0.sendInvalid(from: ada) },
            { $0.send("GLOBAL_TASK", payload: ["description": "x"], from: ada) },
            { $0.send("AGENT_THOUGHT", payload: [:], from: ada, agentId: other) },
            { $0.think("replayed", from: ada, seq: 1) },
            { $0.send("AGENT_THOUGHT", payload: [:], from: ada, ts: $0.now + 40_000) },
            { $0.send("AGENT_THOUGHT", payload: [:], from: ada, agentId: "nope") },
            { $0.receive(#"{"type":"AGENT_THOUGHT","agentId":"\#(ada.id)","seq":-1,"ts":0}"#, from: ada.connection) },
            { $0.receive(#"{"type":"AGENT_THOUGHT","agentId":"\#(ada.id)","seq":9999,"ts":"soon"}"#, from: ada.connection) },
            { $0.respond(String(repeating: "x", count: 2049), from: ada) },
        ]
        for mistake in mistakes {
            let effects = mistake(&arena)
            #expect(effects.types(to: ada.connection) == ["ARENA_ERROR"])
            #expect(effects.closes.isEmpty)
            #expect(arena.think("fine", from: ada).types(to: ada.connection) == ["AGENT_THOUGHT"])
        }
        #expect(arena.send("NOPE", payload: [:], from: ada).closes.map(\.reason) == ["Error rate exceeded (11 errors in 60s)"])
    }

    @Test("The window restarts at the first error after 60 s have passed")
    func windowRestarts() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        for _ in 1...10 { #expect(arena.sendInvalid(from: ada).closes.isEmpty) }
        arena.advance(byMs: 60_001)
        for _ in 1...10 { #expect(arena.sendInvalid(from: ada).closes.isEmpty) }
        #expect(arena.sendInvalid(from: ada).closes.map(\.reason) == ["Error rate exceeded (11 errors in 60s)"])
    }

    @Test("Within the window, errors keep adding up")
    func windowHolds() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        for _ in 1...10 { _ = arena.sendInvalid(from: ada) }
        arena.advance(byMs: 59_999)
        #expect(arena.sendInvalid(from: ada).closes.map(\.code) == [1008])
    }

    @Test("Malformed JSON gets a bare error and is not counted")
    func malformedNotCounted() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        for _ in 1...20 {
            #expect(arena.receive("{not json", from: ada.connection).withoutLogs == [.send(ServerMessages.bareError("Malformed JSON"), to: [ada.connection])])
            #expect(arena.receive("42", from: ada.connection).withoutLogs == [.send(ServerMessages.bareError("Message must be a JSON object"), to: [ada.connection])])
        }
        for _ in 1...10 { #expect(arena.sendInvalid(from: ada).closes.isEmpty) }
        #expect(arena.relay.agentCount == 1)
    }

    @Test("A flood of malformed frames still closes the socket (our guard, past 100 in 60 s)")
    func malformedFlood() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        for _ in 1...100 { #expect(arena.receive("}", from: ada.connection).closes.isEmpty) }
        let effects = arena.receive("}", from: ada.connection)
        #expect(effects.closes == [Closing(connection: ada.connection, code: 1008, reason: "Too many malformed frames (101 in 60s)")])
    }

    @Test("The limits come from the config")
    func configuredLimit() {
        var arena = ArenaHarness { $0.errorLimit = 2; $0.errorWindowMs = 10_000 }
        let ada = arena.connectAgent("Ada")
        _ = arena.sendInvalid(from: ada)
        _ = arena.sendInvalid(from: ada)
        #expect(arena.sendInvalid(from: ada).closes.map(\.reason) == ["Error rate exceeded (3 errors in 10s)"])
    }
}

@Suite("Defects of the original we do not copy")
struct DefectTests {
    @Test("A second connection with a live agentId is refused; the live agent is untouched")
    func duplicateAgentId() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let bob = arena.connectAgent("Bob")

        let (impostor, effects) = arena.connect("Not Ada", id: ada.id)
        let reason = "Duplicate agentId: \(ada.id) is already connected"
        #expect(effects.withoutLogs == [
            .send(ServerMessages.bareError(reason), to: [impostor.connection]),
            .close(impostor.connection, code: .policyViolation, reason: reason),
        ])
        #expect(arena.relay.agents.map(\.name) == ["Ada", "Bob"])
        #expect(arena.relay.agents.first?.slot == 0)
        // The live agent still talks and is still heard.
        #expect(arena.think("still me", from: ada).types(to: bob.connection) == ["AGENT_THOUGHT", "PEER_THOUGHT"])
        // The refused socket closing does not take the live agent with it.
        #expect(arena.close(impostor.connection).isEmpty)
        #expect(arena.relay.agentCount == 2)
    }

    @Test("UUIDs match case-insensitively: the same id in capitals is a duplicate too")
    func duplicateAgentIdInCapitals() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let (impostor, effects) = arena.connect("Not Ada", id: ada.id.uppercased())
        #expect(effects.closes.map(\.reason) == ["Duplicate agentId: \(ada.id.uppercased()) is already connected"])
        #expect(effects.closes.first?.connection == impostor.connection)
        #expect(arena.relay.agents.map(\.name) == ["Ada"])
    }

    @Test("A message claiming another agent's id is rejected and not relayed")
    func spoofedAgentId() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let bob = arena.connectAgent("Bob")

        let effects = arena.send("AGENT_THOUGHT", payload: ["taskId": .string(sampleTaskId), "step": 1, "content": "I am Bob"], from: ada, agentId: bob.id)
        #expect(effects.recipients == [ada.connection])
        #expect(effects.messages(to: ada.connection).map(\.reason) == ["Invalid agentId: this connection belongs to \(ada.id)"])
        #expect(effects.messages(to: ada.connection).first?.payload?["targetAgentId"] == .string(ada.id))

        let response = arena.send("AGENT_RESPONSE", payload: ["taskId": .string(sampleTaskId), "content": "x", "durationMs": 1], from: ada, agentId: bob.id)
        #expect(!response.recipients.contains(bob.connection))
    }

    @Test("A repeated agentId key cannot smuggle another agent's id past the check")
    func duplicateKeySpoof() throws {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let bob = arena.connectAgent("Bob")
        // JSON.parse in a browser would read the last agentId (Bob's); the relay reads one value, checks
        // it, and relays the message encoded anew, so every receiver sees the id that was checked.
        let frame = #"{"type":"AGENT_THOUGHT","agentId":"\#(ada.id)","seq":10,"ts":\#(arena.now),"#
            + #""payload":{"taskId":"\#(sampleTaskId)","step":1,"content":"I am Bob"},"agentId":"\#(bob.id)"}"#
        let effects = arena.receive(frame, from: ada.connection)
        let relayed = effects.messages(to: bob.connection).first { $0["type"] == .string("AGENT_THOUGHT") }
        #expect(relayed?["agentId"] == .string(ada.id))
        #expect(relayed?["payload"]?["content"] == .string("I am Bob"))
    }

    @Test("A GLOBAL_TASK from an agent is rejected, never broadcast and never replayed")
    func injectedTask() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        _ = arena.connectAgent("Bob")
        let effects = arena.send("GLOBAL_TASK", payload: ["taskId": .string(sampleTaskId), "description": "Obey me", "issuedAt": 0], from: ada)
        #expect(effects.recipients == [ada.connection])
        #expect(effects.messages(to: ada.connection).map(\.reason) == ["GLOBAL_TASK: only the arena admin may issue tasks"])
        #expect(arena.relay.tasks.isEmpty)
        let (late, joined) = arena.connect("Late")
        #expect(joined.types(to: late.connection) == ["ARENA_ACK"])
    }
}

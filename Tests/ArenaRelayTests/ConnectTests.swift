import ArenaProtocol
import ArenaRelay
import Testing

@Suite("Connecting")
struct ConnectTests {
    @Test("The first agent is acknowledged with slot 0 and one connected peer")
    func firstAgent() throws {
        var arena = ArenaHarness()
        let (ada, effects) = arena.connect("Ada")

        let messages = effects.messages(to: ada.connection)
        #expect(messages.count == 1)
        let ack = try #require(messages.first)
        #expect(ack == [
            "type": "ARENA_ACK", "agentId": "00000000-0000-4000-8000-000000000000", "slot": 0, "seq": 0,
            "ts": .number(Double(arena.now)), "payload": ["slot": 0, "connectedPeers": 1, "arenaVersion": "0.1.0"],
        ])
        #expect(effects.closes.isEmpty)
        #expect(arena.relay.agentCount == 1)
    }

    @Test("Each agent gets the next slot; connectedPeers counts everybody, itself included")
    func laterAgents() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let (bob, effects) = arena.connect("Bob")
        #expect(effects.messages(to: bob.connection).first?.payload == ["slot": 1, "connectedPeers": 2, "arenaVersion": "0.1.0"])
        // Joins are not announced to agents.
        #expect(effects.messages(to: ada.connection).isEmpty)
        let (cy, third) = arena.connect("Cy")
        #expect(third.messages(to: cy.connection).first?.payload?["slot"] == 2)
        #expect(third.recipients == [cy.connection])
    }

    @Test("Slots are never reused, even after their agent has left")
    func slotsNeverReused() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        _ = arena.connectAgent("Bob")
        _ = arena.close(ada.connection)
        let (cy, effects) = arena.connect("Cy")
        #expect(effects.messages(to: cy.connection).first?.payload?["slot"] == 2)
        #expect(effects.messages(to: cy.connection).first?.payload?["connectedPeers"] == 2)
        #expect(arena.relay.agents.map(\.slot) == [1, 2])
    }

    @Test("The roster remembers what the agent said about itself")
    func roster() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        arena.advance(byMs: 1500)
        let bob = arena.connectAgent("Bob")
        #expect(arena.relay.agents == [
            RosterEntry(agentId: ada.id, slot: 0, name: "Ada", color: "#3366ff", persona: "tester", version: "1.0.0",
                        connectedAt: ArenaHarness.start),
            RosterEntry(agentId: bob.id, slot: 1, name: "Bob", color: "#3366ff", persona: "tester", version: "1.0.0",
                        connectedAt: ArenaHarness.start + 1500),
        ])
    }

    @Test("The connect may use any seq; later messages must exceed it")
    func connectSeq() {
        var arena = ArenaHarness()
        let connection = arena.open()
        let id = arena.makeAgentId()
        let connect = arena.frame("AGENT_CONNECT", payload: ArenaHarness.connectPayload(name: "Ada"), on: connection, agentId: id, seq: 1000)
        #expect(arena.receive(connect, from: connection).types(to: connection) == ["ARENA_ACK"])
        let ada = ArenaHarness.Agent(connection: connection, id: id, name: "Ada")

        let effects = arena.think("hello", from: ada, seq: 5)
        #expect(effects.messages(to: connection).map(\.reason) == ["Non-increasing seq: got 5, last was 1000"])
        #expect(arena.think("hello", from: ada, seq: 1001).types(to: connection) == ["AGENT_THOUGHT"])
    }

    @Test("An upper-case agentId connects, as the original's case-insensitive check allows")
    func upperCaseAgentId() {
        var arena = ArenaHarness()
        let (_, effects) = arena.connect("Ada", id: "A9E00000-0000-4000-8000-0000000000FF")
        #expect(effects.closes.isEmpty)
        #expect(arena.relay.agentCount == 1)
    }
}

@Suite("Before AGENT_CONNECT")
struct BeforeConnectTests {
    @Test("PING is answered with a bare PONG and the socket stays open")
    func pingBeforeConnect() {
        var arena = ArenaHarness()
        let socket = arena.open()
        let effects = arena.receive(#"{"type":"PING","ts":1}"#, from: socket)
        #expect(effects.withoutLogs == [.send(ServerMessages.pong(ts: arena.now), to: [socket])])
        #expect(effects.messages(to: socket) == [["type": "PONG", "ts": .number(Double(arena.now))]])
        // It may still register afterwards.
        let id = arena.makeAgentId()
        let connect = arena.frame("AGENT_CONNECT", payload: ArenaHarness.connectPayload(name: "Ada"), on: socket, agentId: id)
        #expect(arena.receive(connect, from: socket).types(to: socket) == ["ARENA_ACK"])
    }

    @Test("Anything else is a protocol violation: bare ARENA_ERROR, then close 1008", arguments: [
        #"{"type":"AGENT_THOUGHT","agentId":"a9e00000-0000-4000-8000-000000000001","seq":1,"ts":0,"payload":{}}"#,
        #"{"type":"AGENT_RESPONSE"}"#,
        #"{"type":"GLOBAL_TASK","payload":{"description":"pwn"}}"#,
        #"{"type":"PONG"}"#,
        #"{"type":"ADMIN_TASK","payload":{"description":"x"}}"#,
        #"{"type":"agent_connect"}"#,
        #"{"type":5}"#,
        #"{}"#,
    ])
    func protocolViolation(frame: String) {
        var arena = ArenaHarness()
        let socket = arena.open()
        let effects = arena.receive(frame, from: socket)
        #expect(effects.withoutLogs == [
            .send(ServerMessages.bareError("First message must be AGENT_CONNECT"), to: [socket]),
            .close(socket, code: .policyViolation, reason: "Protocol violation"),
        ])
        let error = effects.messages(to: socket).first
        #expect(error == ["type": "ARENA_ERROR", "payload": ["reason": "First message must be AGENT_CONNECT"]])
        #expect(arena.relay.agentCount == 0)
    }

    @Test("Nothing is heard from a socket once the relay has decided to close it")
    func ignoredAfterClose() {
        var arena = ArenaHarness()
        let socket = arena.open()
        _ = arena.receive(#"{"type":"HELLO"}"#, from: socket)
        #expect(arena.receive(#"{"type":"PING"}"#, from: socket).isEmpty)
        #expect(arena.receive("garbage", from: socket).isEmpty)
        // The socket's own close event changes nothing either.
        #expect(arena.close(socket).isEmpty)
        #expect(arena.relay.connectionCount == 0)
    }

    @Test("An invalid connect gets a bare ARENA_ERROR with the reason and close 1008 with the same reason", arguments: [
        ("agentId", "not-a-uuid", "Invalid agentId: must be UUID v4"),
        ("seq", "zero", "Invalid seq: must be a non-negative integer"),
        ("seq", -1, "Invalid seq: must be a non-negative integer"),
        ("ts", "now", "Invalid ts: must be a number"),
        ("ts", .number(Double(ArenaHarness.start + 31_000)), "Timestamp drift too large: 31000ms (max 30000ms)"),
        ("ts", .number(Double(ArenaHarness.start - 45_500)), "Timestamp drift too large: 45500ms (max 30000ms)"),
        ("payload", ["name": "Ada"], "AGENT_CONNECT: color missing or too long (max 32)"),
        ("payload", .null, "AGENT_CONNECT: name missing or too long (max 64)"),
        ("payload", ["name": .string(String(repeating: "😀", count: 33)), "color": "", "persona": "", "version": ""],
         "AGENT_CONNECT: name missing or too long (max 64)"),
        ("payload", ["name": "", "color": "", "persona": .string(String(repeating: "p", count: 65)), "version": ""],
         "AGENT_CONNECT: persona missing or too long (max 64)"),
    ] as [(String, JSONValue, String)])
    func invalidConnect(field: String, value: JSONValue, reason: String) {
        var arena = ArenaHarness()
        let socket = arena.open()
        var connect = arena.frame("AGENT_CONNECT", payload: ArenaHarness.connectPayload(name: "Ada"), on: socket, agentId: arena.makeAgentId())
        if case .object(var fields) = connect {
            fields[field] = value
            connect = .object(fields)
        }
        let effects = arena.receive(connect, from: socket)
        #expect(effects.withoutLogs == [
            .send(ServerMessages.bareError(reason), to: [socket]),
            .close(socket, code: .policyViolation, reason: reason),
        ])
        #expect(arena.relay.agentCount == 0)
    }

    @Test("Malformed JSON before connect gets a bare error and the socket stays open")
    func malformedBeforeConnect() {
        var arena = ArenaHarness()
        let socket = arena.open()
        #expect(arena.receive("{oops", from: socket).withoutLogs == [.send(ServerMessages.bareError("Malformed JSON"), to: [socket])])
        #expect(arena.receive("[1,2]", from: socket).withoutLogs == [.send(ServerMessages.bareError("Message must be a JSON object"), to: [socket])])
        #expect(arena.relay.connectionCount == 1)
    }

    @Test("A connect that repeats a key registers exactly one of the ids, the one it acknowledges")
    func duplicateKeysInConnect() {
        var arena = ArenaHarness()
        let socket = arena.open()
        let frame = #"{"type":"AGENT_CONNECT","agentId":"a9e00000-0000-4000-8000-000000000001","agentId":"a9e00000-0000-4000-8000-000000000002","seq":0,"ts":\#(arena.now),"payload":{"name":"x","color":"","persona":"","version":""}}"#
        _ = arena.receive(frame, from: socket)
        #expect(arena.relay.agentCount == 1)
        #expect(arena.relay.agents.count == 1)
    }
}

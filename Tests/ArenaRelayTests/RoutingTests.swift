import ArenaProtocol
import ArenaRelay
import Testing

@Suite("Routing thoughts and responses")
struct RoutingTests {
    @Test("A thought is echoed to its sender; every other agent gets it followed by a PEER_THOUGHT")
    func thoughtRouting() throws {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let bob = arena.connectAgent("Bob")
        let cy = arena.connectAgent("Cy")
        let watcher = arena.spectate().connection

        let effects = arena.think("Let me think", step: 2, from: ada)

        #expect(effects.types(to: ada.connection) == ["AGENT_THOUGHT"])
        #expect(effects.types(to: bob.connection) == ["AGENT_THOUGHT", "PEER_THOUGHT"])
        #expect(effects.types(to: cy.connection) == ["AGENT_THOUGHT", "PEER_THOUGHT"])
        // Spectators watch the conversation but are nobody's peer.
        #expect(effects.types(to: watcher) == ["AGENT_THOUGHT"])

        let peerThought = try #require(effects.messages(to: bob.connection).last)
        #expect(peerThought["agentId"] == .string(ProtocolLimits.serverAgentId))
        #expect(peerThought["seq"] == 0)
        #expect(peerThought.payload == [
            "sourceAgentId": .string(ada.id), "taskId": .string(sampleTaskId), "step": 2, "content": "Let me think",
        ])
        #expect(effects.closes.isEmpty)
    }

    @Test("The thought is relayed with every field it had, unknown ones included")
    func relayedUntouched() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let bob = arena.connectAgent("Bob")
        let frame = #"{"type":"AGENT_THOUGHT","agentId":"\#(ada.id)","slot":7,"seq":1,"ts":\#(arena.now),"#
            + #""payload":{"taskId":"\#(sampleTaskId)","step":1,"content":"hi 😀","mood":"calm"},"x-trace":[1,{"deep":true}]}"#
        let effects = arena.receive(frame, from: ada.connection)
        let original = try? JSONCodec.decodeObject(Array(frame.utf8))
        #expect(effects.bytes(to: ada.connection).map { try? JSONCodec.decodeObject($0) } == [original])
        #expect(effects.bytes(to: bob.connection).first.map { try? JSONCodec.decodeObject($0) } == original)
    }

    @Test("An agent alone hears only its own echo")
    func aloneInTheArena() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let effects = arena.think("anyone?", from: ada)
        #expect(effects.withoutLogs.count == 1)
        #expect(effects.types(to: ada.connection) == ["AGENT_THOUGHT"])
    }

    @Test("A response goes to everybody, sender and spectators included, with no peer copy")
    func responseRouting() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let bob = arena.connectAgent("Bob")
        let watcher = arena.spectate().connection

        let effects = arena.respond("The answer is 42", from: bob)
        for connection in [ada.connection, bob.connection, watcher] {
            #expect(effects.types(to: connection) == ["AGENT_RESPONSE"])
        }
        #expect(effects.messages(to: ada.connection).first?.payload?["content"] == "The answer is 42")
        #expect(effects.messages(to: ada.connection).first?["agentId"] == .string(bob.id))
    }

    @Test("Pending sockets hear nothing of the conversation")
    func pendingHearNothing() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let lurker = arena.open()
        #expect(!arena.think("hi", from: ada).recipients.contains(lurker))
        #expect(!arena.respond("done", from: ada).recipients.contains(lurker))
    }
}

@Suite("Task replay")
struct TaskReplayTests {
    @Test("A late joiner gets the 5 most recent tasks, oldest first, exactly as they were broadcast")
    func replayOnConnect() throws {
        var arena = ArenaHarness()
        let early = arena.connectAgent("Early")
        var broadcasts: [[UInt8]] = []
        for number in 1...7 {
            arena.advance(byMs: 1000)
            let outcome = arena.relay.issueTask(description: .string("Task \(number)"), at: arena.moment)
            #expect(outcome.succeeded)
            broadcasts += outcome.effects.bytes(to: early.connection)
        }
        #expect(broadcasts.count == 7)

        let (late, effects) = arena.connect("Late")
        let received = effects.messages(to: late.connection)
        #expect(received.map(\.type) == ["ARENA_ACK"] + Array(repeating: "GLOBAL_TASK", count: 5))
        #expect(received.dropFirst().map { $0.payload?["description"]?.stringValue } == (3...7).map { "Task \($0)" })
        #expect(Array(effects.bytes(to: late.connection).dropFirst()) == Array(broadcasts.suffix(5)))
        #expect(arena.relay.tasks.map(\.description) == (3...7).map { "Task \($0)" })
    }

    @Test("Fewer than five tasks are all replayed")
    func fewTasks() {
        var arena = ArenaHarness()
        _ = arena.relay.issueTask(description: "Only one", at: arena.moment)
        let (late, effects) = arena.connect("Late")
        #expect(effects.types(to: late.connection) == ["ARENA_ACK", "GLOBAL_TASK"])
    }

    @Test("A task goes to every agent and spectator, with an id drawn from the seeded generator")
    func taskBroadcast() throws {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let bob = arena.connectAgent("Bob")
        let watcher = arena.spectate().connection
        let outcome = arena.relay.issueTask(description: "Write a haiku", at: arena.moment)

        #expect(outcome.result == ["ok": true, "taskId": .string(ArenaHarness.expectedTaskId(1))])
        for connection in [ada.connection, bob.connection, watcher] {
            #expect(outcome.effects.types(to: connection) == ["GLOBAL_TASK"])
        }
        let task = try #require(outcome.effects.messages(to: ada.connection).first)
        #expect(task["agentId"] == .string(ProtocolLimits.serverAgentId))
        #expect(task.payload == [
            "taskId": .string(ArenaHarness.expectedTaskId(1)), "description": "Write a haiku", "issuedAt": .number(Double(arena.now)),
        ])
        #expect(arena.relay.issueTask(description: "Second", at: arena.moment).result["taskId"] == .string(ArenaHarness.expectedTaskId(2)))
    }
}

@Suite("Leaving")
struct DisconnectTests {
    @Test("When an agent's socket closes, everybody else hears AGENT_DISCONNECT with its id, name and slot")
    func disconnectBroadcast() throws {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let bob = arena.connectAgent("Bob")
        let cy = arena.connectAgent("Cy")
        let watcher = arena.spectate().connection

        let effects = arena.close(bob.connection)

        #expect(effects.recipients == [ada.connection, cy.connection, watcher])
        let notice = try #require(effects.messages(to: ada.connection).first)
        #expect(notice == [
            "type": "AGENT_DISCONNECT", "agentId": .string(bob.id), "slot": 0, "seq": 0, "ts": .number(Double(arena.now)),
            "payload": ["name": "Bob", "slot": 1],
        ])
        #expect(arena.relay.agents.map(\.name) == ["Ada", "Cy"])
        #expect(effects.closes.isEmpty)
    }

    @Test("The last agent leaves quietly")
    func lastAgent() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        #expect(arena.close(ada.connection).withoutLogs.isEmpty)
        #expect(arena.relay.agentCount == 0)
        #expect(arena.relay.connectionCount == 0)
    }

    @Test("Pending sockets and unknown connections leave without a word")
    func quietLeaves() {
        var arena = ArenaHarness()
        _ = arena.connectAgent("Ada")
        let pending = arena.open()
        #expect(arena.close(pending).isEmpty)
        #expect(arena.close(ConnectionID(999)).isEmpty)
    }

    @Test("A leaving agent's id may connect again")
    func reconnect() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        _ = arena.close(ada.connection)
        let (again, effects) = arena.connect("Ada", id: ada.id)
        #expect(effects.types(to: again.connection) == ["ARENA_ACK"])
        #expect(effects.messages(to: again.connection).first?.payload?["slot"] == 1)
    }
}

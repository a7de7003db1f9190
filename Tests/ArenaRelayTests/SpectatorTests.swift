import ArenaProtocol
import ArenaRelay
import Testing

@Suite("Spectators (our extension)")
struct SpectatorTests {
    @Test("A spectator first sees a snapshot: roster, replayable tasks and recent conversation")
    func snapshot() throws {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let bob = arena.connectAgent("Bob")
        _ = arena.relay.issueTask(description: "Count to three", at: arena.moment)
        let thought = arena.frame("AGENT_THOUGHT", payload: ["taskId": .string(sampleTaskId), "step": 1, "content": "one"],
                                  on: ada.connection, agentId: ada.id)
        _ = arena.receive(thought, from: ada.connection)
        _ = arena.respond("three", from: bob)
        _ = arena.sendInvalid(from: bob)  // refused messages are not history

        let (watcher, snapshot, effects) = arena.spectate()
        #expect(effects.types(to: watcher) == ["ARENA_SNAPSHOT"])
        #expect(effects.recipients == [watcher])
        #expect(snapshot["arenaVersion"] == "0.1.0")
        #expect(snapshot["agents"] == .array(arena.relay.agents.map(\.json)))
        #expect(snapshot["tasks"]?.arrayValue?.map { $0["description"] } == ["Count to three"])
        let history = try #require(snapshot["history"]?.arrayValue)
        #expect(history.map(\.type) == ["AGENT_THOUGHT", "AGENT_RESPONSE"])
        #expect(history.first == thought)
        #expect(snapshot["spectators"] == 1)
        #expect(snapshot["admin"] == false)
    }

    @Test("Spectators are not agents: not in the roster, not in connectedPeers, not in /health's agent count")
    func notAgents() {
        var arena = ArenaHarness()
        _ = arena.spectate()
        _ = arena.spectate()
        let (ada, effects) = arena.connect("Ada")
        #expect(effects.messages(to: ada.connection).first?.payload?["connectedPeers"] == 1)
        #expect(arena.relay.agentCount == 1)
        #expect(arena.relay.spectatorCount == 2)
        #expect(arena.http("GET", "/health").body?["agents"] == 1)
    }

    @Test("Spectators hear joins as AGENT_JOIN; agents never do")
    func agentJoin() throws {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let watcher = arena.spectate().connection
        let (bob, effects) = arena.connect("Bob")
        #expect(effects.types(to: watcher) == ["AGENT_JOIN"])
        #expect(effects.types(to: ada.connection) == [])
        #expect(effects.types(to: bob.connection) == ["ARENA_ACK"])
        let join = try #require(effects.messages(to: watcher).first)
        #expect(join["agentId"] == .string(bob.id))
        #expect(join.payload == arena.relay.agents.last?.json)
    }

    @Test("A spectator may ask for less history")
    func historyLimit() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        for step in 1...4 { _ = arena.think("step \(step)", step: step, from: ada) }
        #expect(arena.spectate(history: 2).snapshot["history"]?.arrayValue?.map { $0.payload?["content"] } == ["step 3", "step 4"])
        #expect(arena.spectate(history: 0).snapshot["history"] == [])
        #expect(arena.spectate(history: -3).snapshot["history"] == [])
        #expect(arena.spectate(history: 1000).snapshot["history"]?.arrayValue?.count == 4)
    }

    @Test("History keeps only the most recent messages")
    func historyCapacity() {
        var arena = ArenaHarness { $0.historyLimit = 3 }
        let ada = arena.connectAgent("Ada")
        for step in 1...5 { _ = arena.think("step \(step)", step: step, from: ada) }
        #expect(arena.spectate().snapshot["history"]?.arrayValue?.map { $0.payload?["content"] } == ["step 3", "step 4", "step 5"])
    }

    @Test("With no history kept, snapshots carry none")
    func noHistory() {
        var arena = ArenaHarness { $0.historyLimit = 0 }
        let ada = arena.connectAgent("Ada")
        _ = arena.think("gone", from: ada)
        #expect(arena.spectate().snapshot["history"] == [])
    }

    @Test("Spectators may ping; anything an agent would send is a counted error")
    func spectatorMessages() {
        var arena = ArenaHarness()
        let watcher = arena.spectate().connection
        #expect(arena.receive(#"{"type":"PING"}"#, from: watcher).withoutLogs == [.send(ServerMessages.pong(ts: arena.now), to: [watcher])])
        #expect(arena.receive(#"{"type":"PONG"}"#, from: watcher).withoutLogs.isEmpty)

        let reason = "Unknown message type for a spectator: AGENT_THOUGHT "
            + "(allowed: PING, PONG, ADMIN_AUTH, ADMIN_TASK, ADMIN_KICK, ADMIN_CLEAR_TASKS)"
        for _ in 1...10 {
            let effects = arena.receive(#"{"type":"AGENT_THOUGHT"}"#, from: watcher)
            #expect(effects.withoutLogs == [.send(ServerMessages.bareError(reason), to: [watcher])])
        }
        #expect(arena.receive(#"{"type":"AGENT_THOUGHT"}"#, from: watcher).closes.map(\.reason) == ["Error rate exceeded (11 errors in 60s)"])
        #expect(arena.relay.spectatorCount == 0)
    }

    @Test("Spectators hear agents leave, and leave quietly themselves")
    func leaving() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let bob = arena.connectAgent("Bob")
        let watcher = arena.spectate().connection
        #expect(arena.close(bob.connection).types(to: watcher) == ["AGENT_DISCONNECT"])
        #expect(arena.close(watcher).withoutLogs.isEmpty)
        #expect(arena.relay.spectatorCount == 0)
        #expect(!arena.think("hi", from: ada).recipients.contains(watcher))
    }
}

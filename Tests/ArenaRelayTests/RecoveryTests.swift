import ArenaProtocol
import ArenaRelay
import Testing

@Suite("Recovering from dead sockets and overload")
struct RecoveryTests {
    @Test("A reconnect with the id of an agent gone quiet replaces it; the quiet socket is closed and its leave announced")
    func staleAgentReplaced() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let bob = arena.connectAgent("Bob")
        // Ada's network dropped: her old socket is half-open and silent past a missed PING plus grace.
        arena.advance(byMs: ProtocolLimits.keepaliveIntervalMs + 10_001)
        _ = arena.think("bob is alive", from: bob)
        let (again, effects) = arena.connect("Ada", id: ada.id)
        #expect(effects.closes == [Closing(connection: ada.connection, code: 1001, reason: "Replaced by a new connection (this one had gone quiet)")])
        #expect(effects.messages(to: bob.connection).map(\.type) == ["AGENT_DISCONNECT"])
        #expect(effects.messages(to: again.connection).first?.type == "ARENA_ACK")
        #expect(arena.relay.agents.map(\.name) == ["Bob", "Ada"])
    }

    @Test("A reconnect while the old socket still talks is refused, as any duplicate")
    func liveAgentKept() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        arena.advance(byMs: ProtocolLimits.keepaliveIntervalMs)
        _ = arena.think("still here", from: ada)
        arena.advance(byMs: 10_000)
        let (impostor, effects) = arena.connect("Ada", id: ada.id)
        #expect(effects.closes.map(\.connection) == [impostor.connection])
        #expect(arena.relay.agents.count == 1)
    }

    @Test("Nobody is idle for the time the arena was not reading")
    func readingResumed() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        arena.advance(byMs: ProtocolLimits.idleTimeoutMs - 1)
        #expect(arena.relay.handle(.readingResumed(at: arena.moment)).isEmpty)
        arena.advance(byMs: ProtocolLimits.idleTimeoutMs - 1)
        #expect(arena.tick().closes.isEmpty)
        arena.advance(byMs: 1)
        #expect(arena.tick().closes == [Closing(connection: ada.connection, code: 1001, reason: "Idle timeout")])
    }

    @Test("A snapshot carries only the newest history that fits its byte budget")
    func snapshotBudget() {
        var arena = ArenaHarness { $0.snapshotHistoryBytes = 4096 }
        let ada = arena.connectAgent("Ada")
        for index in 0..<20 {
            _ = arena.send("AGENT_THOUGHT", payload: ["taskId": .string(sampleTaskId), "step": 1, "content": .string("thought \(index)"),
                                                     "padding": .string(String(repeating: "x", count: 900))], from: ada)
        }
        let (_, snapshot, _) = arena.spectate()
        let contents = snapshot["history"]?.arrayValue?.compactMap { $0["payload"]?["content"]?.stringValue } ?? []
        #expect(!contents.isEmpty && contents.count < 5)
        #expect(contents.last == "thought 19", "the newest are kept")
        #expect(contents == contents.sorted { Int($0.dropFirst(8))! < Int($1.dropFirst(8))! }, "oldest first")
    }

    @Test("A kick reason is capped, whole characters only")
    func kickReasonCapped() {
        var arena = ArenaHarness(adminSecret: "s3cret")
        let ada = arena.connectAgent("Ada")
        let outcome = arena.relay.kick(agentId: ada.id, reason: String(repeating: "é", count: 200), at: arena.moment)
        let reason = outcome.effects.closes.first?.reason ?? ""
        #expect(reason.utf8.count <= 123)
        #expect(reason == "Kicked by admin: " + String(repeating: "é", count: 50))
    }

    @Test("POST /kick without an agentId is a 400")
    func kickWithoutId() {
        var arena = ArenaHarness(adminSecret: "s3cret")
        for body in [#"{}"#, #"{"agentId":""}"#] {
            let reply = arena.http("POST", "/kick", secret: "s3cret", body: body)
            #expect(reply.status == 400, "\(body)")
            #expect(reply.body == ["error": "agentId is required"])
        }
    }
}

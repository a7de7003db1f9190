import ArenaProtocol
import ArenaRelay
import Testing

@Suite("Keepalive, idle timeout and shutdown")
struct KeepaliveTests {
    @Test("Every 30 s the arena sends a bare PING to registered agents and spectators, not to pending sockets")
    func keepalivePing() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let bob = arena.connectAgent("Bob")
        let watcher = arena.spectate().connection
        let pending = arena.open()

        arena.advance(byMs: 29_999)
        #expect(arena.tick().withoutLogs.isEmpty)

        arena.advance(byMs: 1)
        let effects = arena.tick()
        #expect(effects.withoutLogs == [.send(ServerMessages.ping(ts: arena.now), to: [ada.connection, bob.connection, watcher])])
        #expect(effects.messages(to: ada.connection) == [["type": "PING", "ts": .number(Double(arena.now))]])
        #expect(!effects.recipients.contains(pending))

        // The next one is due 30 s after this one.
        arena.advance(byMs: 10_000)
        #expect(arena.tick().withoutLogs.isEmpty)
    }

    @Test("With nobody registered there is nobody to ping")
    func nobodyToPing() {
        var arena = ArenaHarness()
        arena.advance(byMs: 30_000)
        #expect(arena.tick().isEmpty)
    }

    @Test("An agent silent for 90 s is closed 1001 Idle timeout, and the others hear it leave")
    func idleTimeout() throws {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        arena.advance(byMs: 30_000)
        let bob = arena.connectAgent("Bob")

        arena.advance(byMs: 59_999)
        #expect(arena.tick().closes.isEmpty)
        arena.advance(byMs: 1)
        let effects = arena.tick()
        #expect(effects.closes == [Closing(connection: ada.connection, code: 1001, reason: "Idle timeout")])
        let notice = try #require(effects.messages(to: bob.connection).first { $0.type == "AGENT_DISCONNECT" })
        #expect(notice["agentId"] == .string(ada.id))
        #expect(notice.payload?["name"] == "Ada")
        #expect(arena.relay.agents.map(\.name) == ["Bob"])
    }

    @Test("Any parseable frame is a sign of life, even PONG or an invalid message")
    func signsOfLife() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        arena.advance(byMs: 60_000)
        _ = arena.receive(#"{"type":"PONG"}"#, from: ada.connection)
        arena.advance(byMs: 60_000)
        _ = arena.send("NOPE", payload: [:], from: ada)
        arena.advance(byMs: 89_999)
        #expect(arena.tick().closes.isEmpty)
        arena.advance(byMs: 1)
        #expect(arena.tick().closes.map(\.reason) == ["Idle timeout"])
    }

    @Test("Malformed frames are not a sign of life")
    func malformedIsSilence() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        arena.advance(byMs: 60_000)
        _ = arena.receive("{{{", from: ada.connection)
        arena.advance(byMs: 30_000)
        #expect(arena.tick().closes == [Closing(connection: ada.connection, code: 1001, reason: "Idle timeout")])
    }

    @Test("Sockets that never register are closed when idle too")
    func idlePending() {
        var arena = ArenaHarness()
        let pending = arena.open()
        arena.advance(byMs: 90_000)
        let effects = arena.tick()
        #expect(effects.withoutLogs == [.close(pending, code: .goingAway, reason: "Idle timeout")])
    }

    @Test("The intervals come from the config")
    func configuredIntervals() {
        var arena = ArenaHarness { $0.keepaliveIntervalMs = 1000; $0.idleTimeoutMs = 2500 }
        let ada = arena.connectAgent("Ada")
        arena.advance(byMs: 1000)
        #expect(arena.tick().types(to: ada.connection) == ["PING"])
        arena.advance(byMs: 1500)
        #expect(arena.tick().closes.map(\.code) == [1001])
    }

    @Test("Shutdown closes everybody with 1001, once")
    func shutdown() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let watcher = arena.spectate().connection
        let pending = arena.open()
        let bob = arena.connectAgent("Bob")

        let effects = arena.shutdown()
        #expect(effects == [ada.connection, watcher, pending, bob.connection].map {
            .close($0, code: .goingAway, reason: "Arena shutting down")
        })
        #expect(arena.shutdown().isEmpty)
        #expect(arena.think("anyone?", from: ada).isEmpty)
        for connection in [ada.connection, watcher, pending, bob.connection] {
            #expect(arena.close(connection).withoutLogs.isEmpty)
        }
        #expect(arena.relay.connectionCount == 0)
    }

    @Test("After shutdown nobody is left on the roster, and nobody is told about anybody leaving")
    func shutdownEmptiesTheRoster() {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let bob = arena.connectAgent("Bob")
        _ = arena.spectate()
        #expect(arena.shutdown().closes.count == 3)
        #expect(arena.relay.agentCount == 0)
        #expect(arena.relay.spectatorCount == 0)
        #expect(arena.http("GET", "/agents").body == [])
        #expect(arena.close(ada.connection).withoutLogs.isEmpty)
        #expect(arena.close(bob.connection).withoutLogs.isEmpty)
        // A task issued while the sockets are going away reaches nobody.
        #expect(arena.relay.issueTask(description: "too late", at: arena.moment).effects.withoutLogs.isEmpty)
    }
}

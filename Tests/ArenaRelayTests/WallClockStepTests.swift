import ArenaProtocol
import ArenaRelay
import Testing

/// Timeouts run on the monotonic clock: setting the system clock (NTP, an operator) expires nobody.
@Suite("A stepped wall clock")
struct WallClockStepTests {
    static let twoHours: Int64 = 2 * 3600 * 1000

    @Test("stepped by ±2 hours, nobody is idle-closed, the keepalive keeps its 30 s rhythm, errors stay in their window",
          arguments: [twoHours, -twoHours])
    func nothingExpires(step: Int64) throws {
        var arena = ArenaHarness()
        let ada = arena.connectAgent("Ada")
        let watcher = arena.spectate().connection
        _ = arena.sendInvalid(from: ada)

        arena.advance(byMs: 1000)
        arena.stepWallClock(byMs: step)
        #expect(arena.tick().withoutLogs.isEmpty, "no close and no early PING right after the step")

        // The next PING is due 30 s after the start on the monotonic clock, whatever the wall says.
        arena.advance(byMs: 28_999)
        #expect(arena.tick().withoutLogs.isEmpty)
        arena.advance(byMs: 1)
        let ping = arena.tick()
        #expect(ping.withoutLogs == [.send(ServerMessages.ping(ts: arena.now), to: [ada.connection, watcher])])
        // The PING is stamped with the new wall clock: `ts` follows the wall.
        #expect(ping.messages(to: ada.connection).first?["ts"] == .number(Double(ArenaHarness.start + 30_000 + step)))

        // Ada, speaking with the new wall clock, is within the drift; her earlier error still counts.
        _ = arena.think("still here", from: ada)
        #expect(arena.relay.agents.map(\.name) == ["Ada"])

        // Idle expiry is still 90 s of real silence: the watcher has said nothing since it came (at 0 s).
        arena.advance(byMs: 59_999)
        #expect(arena.tick().closes.isEmpty)
        arena.advance(byMs: 1)
        #expect(arena.tick().closes == [Closing(connection: watcher, code: 1001, reason: "Idle timeout")])
    }

    @Test("uptime is real time since the start, not the wall clock's difference")
    func uptime() {
        var arena = ArenaHarness()
        arena.advance(byMs: 5000)
        arena.stepWallClock(byMs: -Self.twoHours)
        #expect(arena.http("GET", "/health").body?["uptime"] == 5)
    }
}

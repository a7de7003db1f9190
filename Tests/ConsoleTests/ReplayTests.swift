import ArenaProtocol
import Console
import Testing

/// Recordings as `mowai tui --replay` reads them, and the player's clock.
@Suite("Replay")
struct ReplayTests {
    static let agent = "68a3ad3e-13c3-43bc-884e-f7b5ede83cb4"
    static let task = "cb29550e-d008-4f61-91c9-cd2a3a02d214"

    static func line(_ ts: Int64, _ message: [UInt8], version: Int = 1) -> String {
        "{\"v\":\(version),\"ts\":\(ts),\"message\":" + String(decoding: message, as: UTF8.self) + "}\n"
    }

    static func taskLine(_ ts: Int64, _ id: String = task) -> String {
        line(ts, ServerMessages.globalTask(GlobalTaskPayload(taskId: id, description: "Plan a picnic", issuedAt: ts), ts: ts))
    }

    static func joinLine(_ ts: Int64) -> String {
        line(ts, ServerMessages.agentJoin(RosterEntry(agentId: agent, slot: 0, name: "Ada", color: "#e5c07b", persona: "pragmatist",
                                                      version: "1", connectedAt: ts), ts: ts))
    }

    static func thoughtLine(_ ts: Int64, _ text: String) -> String {
        line(ts, JSONCodec.encode(JSONValue.object([
            "type": "AGENT_THOUGHT", "agentId": .string(agent), "seq": 1, "ts": .number(Double(ts)),
            "payload": ["taskId": .string(task), "step": 1, "content": .string(text)],
        ])))
    }

    @Test("Every recorded kind is read; blank lines are skipped; the stop says where and why")
    func parsing() {
        let good = Self.joinLine(1000) + "\n" + Self.taskLine(2000) + Self.thoughtLine(2500, "bread")
        let whole = Recording.parse(Array(good.utf8))
        #expect(whole.frames.map(\.line) == [1, 3, 4] && whole.stop == nil)
        #expect(whole.frames.map(\.isTask) == [false, true, false] && whole.frames[2].ts == 2500)

        let cut = Recording.parse(Array((good + String(Self.thoughtLine(3000, "cheese").dropLast(9))).utf8))
        #expect(cut.frames.count == 3 && cut.stop == .truncated(line: 5))
        let corrupt = Recording.parse(Array((Self.taskLine(1) + "{\"v\":1,\"ts\":2,\"message\":[1]}\n" + Self.taskLine(3)).utf8))
        #expect(corrupt.frames.count == 1 && corrupt.stop == .corrupt(line: 2, reason: "no message"))
        let newer = Recording.parse(Array((Self.taskLine(1) + Self.line(2, ServerMessages.ping(ts: 2), version: 2)).utf8))
        #expect(newer.frames.count == 1 && newer.stop == .newerVersion(line: 2, version: 2))
        let ping = Recording.parse(Array(Self.line(2, ServerMessages.ping(ts: 2)).utf8))
        #expect(ping.frames.isEmpty && ping.stop == .corrupt(line: 1, reason: "not a task, thought, response, join, leave or clearing"))
        #expect(Recording.parse(Array("garbage\n".utf8)).stop == .corrupt(line: 1, reason: "not a JSON object"))
        #expect(Recording.parse([UInt8](repeating: 0x41, count: 70_000)).stop == .truncated(line: 1))
        #expect(Recording.parse([]).frames.isEmpty && Recording.parse([]).stop == nil)
    }

    @Test("Frames play on the recording's clock, times the speed; long silences are cut to five seconds; pause holds time")
    func clock() {
        let text = Self.joinLine(0) + Self.taskLine(1000) + Self.thoughtLine(61_000, "late") + Self.taskLine(62_000, "ab29550e-d008-4f61-91c9-cd2a3a02d214")
        var player = ReplayPlayer(recording: Recording.parse(Array(text.utf8)), speed: 2, at: 100)
        #expect(player.due(at: 100) == 0..<1)
        #expect(player.untilNext(at: 100) == 500)
        #expect(player.due(at: 599) == 1..<1 && player.due(at: 600) == 1..<2)
        // 60 s of silence become 5 s: 2.5 s at twice the speed.
        #expect(player.untilNext(at: 600) == 2500)
        player.togglePause(at: 1000)
        #expect(player.untilNext(at: 50_000) == nil && player.due(at: 50_000).isEmpty && player.status.hasSuffix("paused"))
        player.togglePause(at: 50_000)
        #expect(player.due(at: 52_099).isEmpty && player.due(at: 52_100) == 2..<3)
        player.changeSpeed(faster: true, at: 52_100)
        #expect(player.speed == 4 && player.untilNext(at: 52_100) == 250)
        #expect(player.status == "replay · task 1 of 2 · event 3 of 4 · ×4")
    }

    @Test("Seeking by task: next goes to the next task, previous to the start of the one before")
    func seeking() {
        let second = "ab29550e-d008-4f61-91c9-cd2a3a02d214"
        let text = Self.joinLine(0) + Self.taskLine(1000) + Self.thoughtLine(1500, "a") + Self.taskLine(2000, second) + Self.thoughtLine(2500, "b")
        var player = ReplayPlayer(recording: Recording.parse(Array(text.utf8)), at: 0)
        #expect(player.nextTask == 1 && player.previousTask == 0)
        player.seek(to: 3, at: 10)
        #expect(player.due(at: 10) == 3..<4 && player.tasksPlayed == 2)
        #expect(player.previousTask == 1 && player.nextTask == nil)
        player.seek(to: player.previousTask, at: 20)
        #expect(player.due(at: 20) == 1..<2 && player.untilNext(at: 20) == 500)
        player.seek(to: 99, at: 30)
        #expect(player.isFinished && player.status == "replay · task 2 of 2 · event 5 of 5 · end")
    }
}

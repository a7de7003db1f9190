import ArenaProtocol
import EndToEndSupport
import Foundation
import HTTPClient
import Testing

/// `mowai arena --record` with real clients, and `mowai tui --replay` of what it wrote, in tmux.
@Suite("Recording and replaying a workshop", .serialized)
struct RecordReplayTests {
    static func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("mowai-\(UUID().uuidString)-\(name)")
    }

    static func lines(_ file: URL) throws -> [[String: Any]] {
        try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test("every join, task, thought, response and leave is a JSON line; the replay plays them in the console; a cut recording plays up to the cut")
    func recordAndReplay() async throws {
        let file = Self.temporaryFile("workshop.jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        let arena = try ArenaProcess(arguments: ["--record", file.path], adminSecret: "s3cret")
        let (ada, _) = try await TestClient.agent(arena, name: "Ada")
        let posted = try await HTTPPost.task("Plan a picnic for ten", arena: arena, secret: "s3cret")
        #expect(posted == 200)
        let task = try await ada.next(type: "GLOBAL_TASK")
        let taskId = try #require(task["payload"]?.objectValue?["taskId"]?.stringValue)
        ada.thought("Bread, cheese and a big blanket", taskId: taskId)
        ada.send(type: "AGENT_RESPONSE", payload: ["taskId": .string(taskId), "content": "Meet at noon by the lake", "durationMs": 5])
        try await Task.sleep(nanoseconds: 200_000_000)
        ada.close()
        #expect(try await eventually { try await HTTPClient.get(arena.httpURL + "/agents").text == "[]" })
        #expect(arena.terminate() == 0)

        let recorded = try Self.lines(file)
        let types = recorded.compactMap { ($0["message"] as? [String: Any])?["type"] as? String }
        #expect(types == ["AGENT_JOIN", "GLOBAL_TASK", "AGENT_THOUGHT", "AGENT_RESPONSE", "AGENT_DISCONNECT"], "\(types)")
        #expect(recorded.allSatisfy { $0["v"] as? Int == 1 && ($0["ts"] as? Int ?? 0) > 1_700_000_000_000 })

        let terminal = try TmuxTerminal(columns: 140, rows: 30, mowai: ["tui", "--replay", file.path, "--speed", "8"])
        defer { terminal.close() }
        try await terminal.waitFor("Plan a picnic for ten", "Bread, cheese and a big blanket", "Meet at noon by the lake", "task 1 of 1", within: 20)
        try terminal.press("q")
        #expect(try await terminal.exitStatus() == 0)

        // Cut mid-line, as a recording is when the arena's machine dies while writing.
        let bytes = try Data(contentsOf: file)
        let cut = Self.temporaryFile("cut.jsonl")
        defer { try? FileManager.default.removeItem(at: cut) }
        try bytes.prefix(bytes.count - 30).write(to: cut)
        let partial = try TmuxTerminal(columns: 200, rows: 30, mowai: ["tui", "--replay", cut.path, "--speed", "8"])
        defer { partial.close() }
        try await partial.waitFor("Meet at noon by the lake", "stopped: the recording ends mid-line at line 5", within: 20)
        try partial.press("q")
        #expect(try await partial.exitStatus() == 0)

        let empty = Self.temporaryFile("empty.jsonl")
        try Data("nonsense\n".utf8).write(to: empty)
        defer { try? FileManager.default.removeItem(at: empty) }
        let refused = try MowaiCommand.run(["tui", "--replay", empty.path])
        #expect(refused.status == 1 && refused.errors.contains("holds nothing to play: line 1 is not a recorded event"))
    }

    @Test("past --record-max-mb the file is rotated; a full disk stops the recording and the arena carries on; an unwritable place is refused")
    func rotationAndFailures() async throws {
        let file = Self.temporaryFile("big.jsonl")
        defer { for suffix in ["", ".1", ".2", ".3"] { try? FileManager.default.removeItem(atPath: file.path + suffix) } }
        let arena = try ArenaProcess(arguments: ["--record", file.path, "--record-max-mb", "1", "--error-window", "1000"])
        let (ada, _) = try await TestClient.agent(arena, name: "Ada")
        let (bob, _) = try await TestClient.agent(arena, name: "Bob")
        let text = String(repeating: "picnic ", count: 140)
        for step in 1...1200 { ada.thought(text, taskId: LimitsTests.taskId, step: step) }
        // Bob hears each of them: once the last has arrived, all were recorded (or queued to be).
        var heard = 0
        while heard < 1200 { if try await bob.next(type: "PEER_THOUGHT", within: 30)["type"] != nil { heard += 1 } }
        #expect(arena.terminate() == 0)
        let rotated = try Data(contentsOf: URL(fileURLWithPath: file.path + ".1"))
        let current = try Data(contentsOf: file)
        #expect(rotated.count <= 1 << 20 && rotated.count > 900_000)
        let total = String(decoding: rotated + current, as: UTF8.self).split(separator: "\n").count
        #expect(total == 1202, "two joins and 1200 thoughts")
        #expect(arena.log.text.contains("the earlier part is \(file.path).1"))

        let full = try ArenaProcess(arguments: ["--record", "/dev/full"])
        let (carol, _) = try await TestClient.agent(full, name: "Carol")
        carol.thought("still here", taskId: LimitsTests.taskId)
        #expect(try await eventually { full.log.text.contains("recording stopped: writing /dev/full failed") })
        #expect(try await HTTPClient.get(full.httpURL + "/health").status == 200)
        let (dave, _) = try await TestClient.agent(full, name: "Dave")
        carol.thought("and still relaying", taskId: LimitsTests.taskId, step: 2)
        #expect(try await dave.next(type: "PEER_THOUGHT")["payload"]?.objectValue?["content"] == "and still relaying")
        #expect(full.terminate() == 0)

        let refused = try MowaiCommand.run(["arena", "--port", "0", "--record", "/nonexistent-folder/x.jsonl"])
        #expect(refused.status != 0 && refused.errors.contains("cannot record into /nonexistent-folder/x.jsonl"))
    }
}

import ArenaProtocol
import Foundation
import HTTPClient
import Testing
import EndToEndSupport

@Suite("Spectators and admins on the real arena (our extension)")
struct SpectatorAdminTests {
    static let taskId = "6f1c7a8e-2b1d-4c3e-9f00-123456789abc"

    @Test("a spectator gets a snapshot, then joins, thoughts and leaves, and is no agent")
    func spectator() async throws {
        let arena = try ArenaProcess()
        let (early, _) = try await TestClient.agent(arena, name: "early")
        early.thought("before the spectator came", taskId: Self.taskId)
        _ = try await early.next(type: "AGENT_THOUGHT")

        let (watcher, snapshot) = try await TestClient.spectator(arena)
        let payload = try #require(snapshot["payload"])
        #expect(payload["agents"]?.arrayValue?.first?["name"] == .string("early"))
        #expect(payload["history"]?.arrayValue?.first?["payload"]?["content"] == .string("before the spectator came"))

        let (late, lateAck) = try await TestClient.agent(arena, name: "late")
        #expect(lateAck["payload"]?["connectedPeers"] == .number(2), "spectators are not peers")
        let join = try await watcher.next(type: "AGENT_JOIN")
        #expect(join["payload"]?["name"] == .string("late"))

        late.thought("watched", taskId: Self.taskId)
        #expect(try await watcher.next(type: "AGENT_THOUGHT")["payload"]?["content"] == .string("watched"))
        late.close()
        #expect(try await watcher.next(type: "AGENT_DISCONNECT")["agentId"] == .string(late.agentId))
        #expect(!watcher.messages.contains { $0["type"] == .string("PEER_THOUGHT") })

        let agents = try JSONCodec.decodeObject(try await HTTPClient.get(arena.httpURL + "/agents").body)
        #expect(agents.arrayValue?.count == 1)
    }

    @Test("an admin authenticated by header broadcasts, kicks and clears tasks over the socket")
    func adminByHeader() async throws {
        let arena = try ArenaProcess(adminSecret: "s3cret")
        let (agent, _) = try await TestClient.agent(arena, name: "target")
        let (admin, snapshot) = try await TestClient.spectator(arena, headers: [("X-Admin-Secret", "s3cret")])
        #expect(snapshot["payload"]?["admin"] == .bool(true))

        admin.sendJSON(["type": .string("ADMIN_TASK"), "payload": .object(["description": .string("Design a bridge")])])
        let result = try await admin.next(type: "ADMIN_RESULT")
        #expect(result["payload"]?["ok"] == .bool(true))
        let task = try await agent.next(type: "GLOBAL_TASK")
        #expect(task["payload"]?["description"] == .string("Design a bridge"))
        #expect(task["payload"]?["taskId"] == result["payload"]?["taskId"])

        admin.sendJSON(["type": .string("ADMIN_CLEAR_TASKS"), "payload": .object([:])])
        #expect(try await admin.next(type: "ADMIN_RESULT")["payload"]?["cleared"] == .number(1))

        admin.sendJSON(["type": .string("ADMIN_KICK"), "payload": .object(["agentId": .string(agent.agentId), "reason": .string("spamming")])])
        let close = try await agent.closed()
        #expect(close.code == 1008)
        #expect(close.reason == "Kicked by admin: spamming")
        #expect(try await admin.next(type: "AGENT_DISCONNECT")["agentId"] == .string(agent.agentId))
    }

    @Test("ADMIN_AUTH with the wrong secret is an error; with the right one it unlocks admin actions")
    func adminByFrame() async throws {
        let arena = try ArenaProcess(adminSecret: "s3cret")
        let (client, snapshot) = try await TestClient.spectator(arena)
        #expect(snapshot["payload"]?["admin"] == .bool(false))

        client.sendJSON(["type": .string("ADMIN_TASK"), "payload": .object(["description": .string("too soon")])])
        #expect(try await client.next(type: "ARENA_ERROR")["payload"]?["reason"]?.stringValue?.contains("not authenticated") == true)
        client.sendJSON(["type": .string("ADMIN_AUTH"), "payload": .object(["secret": .string("guess")])])
        #expect(try await client.next(type: "ARENA_ERROR")["payload"]?["reason"] == .string("Admin authentication failed: wrong secret"))
        client.sendJSON(["type": .string("ADMIN_AUTH"), "payload": .object(["secret": .string("s3cret")])])
        #expect(try await client.next(type: "ADMIN_RESULT")["payload"]?["ok"] == .bool(true))
        client.sendJSON(["type": .string("ADMIN_TASK"), "payload": .object(["description": .string("now")])])
        #expect(try await client.next(type: "GLOBAL_TASK")["payload"]?["description"] == .string("now"))
    }

    @Test("the same admin actions over HTTP: kick and clear-tasks")
    func adminOverHTTP() async throws {
        let arena = try ArenaProcess(adminSecret: "s3cret")
        let (agent, _) = try await TestClient.agent(arena, name: "target")
        let secret = [("X-Admin-Secret", "s3cret")]
        _ = try await HTTPPost.task("one", arena: arena, secret: "s3cret")

        let cleared = try await HTTPClient.request("POST", arena.httpURL + "/clear-tasks", headers: secret)
        #expect(cleared.status == 200)
        #expect(try JSONCodec.decodeObject(cleared.body)["cleared"] == .number(1))

        let missing = try await HTTPClient.request("POST", arena.httpURL + "/kick", headers: secret,
                                                   body: Array(#"{"agentId":"00000000-0000-4000-8000-000000000001"}"#.utf8))
        #expect(missing.status == 404)
        let kicked = try await HTTPClient.request("POST", arena.httpURL + "/kick", headers: secret,
                                                  body: Array(#"{"agentId":"\#(agent.agentId)"}"#.utf8))
        #expect(kicked.status == 200)
        #expect(try await agent.closed() == (1008, "Kicked by admin"))
    }

    @Test("a kick reason in any script arrives intact in the close frame")
    func unicodeKickReason() async throws {
        let arena = try ArenaProcess(adminSecret: "s3cret")
        let (agent, _) = try await TestClient.agent(arena, name: "target")
        let reason = "café 🚫 请停止"
        let body = JSONCodec.encode(["agentId": .string(agent.agentId), "reason": .string(reason)] as JSONValue)
        let kicked = try await HTTPClient.request("POST", arena.httpURL + "/kick", headers: [("X-Admin-Secret", "s3cret")], body: body)
        #expect(kicked.status == 200)
        #expect(try await agent.closed() == (1008, "Kicked by admin: \(reason)"))
    }

    @Test("the secret file may end in CRLF; the secret is what precedes it")
    func secretFileWithCRLF() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mowai-secret-\(UUID().uuidString)").path
        try Data("s3cret\r\n".utf8).write(to: URL(fileURLWithPath: path))
        let arena = try ArenaProcess(arguments: ["--admin-secret-file", path])
        #expect(try await HTTPPost.task("from a file", arena: arena, secret: "s3cret") == 200)
    }
}

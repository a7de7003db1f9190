import ArenaProtocol
import Testing

@Suite("Server-built messages")
struct ServerMessagesTests {
    let ts: Int64 = 1_700_000_123_456

    /// Decodes a server message and checks the envelope every server message carries.
    func decodeServerMessage(_ bytes: [UInt8], type: String, agentId: String = ProtocolLimits.serverAgentId) throws -> JSONValue {
        let message = try decode(bytes)
        #expect(message["type"] == .string(type))
        #expect(message["agentId"] == .string(agentId))
        #expect(message["slot"] == 0)
        #expect(message["seq"] == 0)
        #expect(message["ts"] == .number(Double(ts)))
        #expect(message.objectValue.map { Set($0.keys) } == ["type", "agentId", "slot", "seq", "ts", "payload"])
        return try #require(message["payload"])
    }

    @Test("The server's agentId is itself a UUID v4")
    func serverAgentId() {
        #expect(ProtocolLimits.serverAgentId == "00000000-0000-4000-8000-000000000000")
        #expect(UUIDv4.isValid(ProtocolLimits.serverAgentId))
    }

    @Test("ARENA_ACK carries slot, connectedPeers and arenaVersion 0.1.0")
    func ack() throws {
        let payload = try decodeServerMessage(ServerMessages.ack(slot: 3, connectedPeers: 2, ts: ts), type: "ARENA_ACK")
        #expect(payload == ["slot": 3, "connectedPeers": 2, "arenaVersion": "0.1.0"])
    }

    @Test("GLOBAL_TASK carries taskId, description and issuedAt")
    func globalTask() throws {
        let task = GlobalTaskPayload(taskId: taskId, description: "Write a haiku 🌸", issuedAt: ts - 5)
        let payload = try decodeServerMessage(ServerMessages.globalTask(task, ts: ts), type: "GLOBAL_TASK")
        #expect(payload == ["taskId": .string(taskId), "description": "Write a haiku 🌸", "issuedAt": .number(Double(ts - 5))])
        #expect(task.json == payload)
    }

    @Test("PEER_THOUGHT names its source and repeats the thought")
    func peerThought() throws {
        let thought = AgentThoughtPayload(taskId: taskId, step: 2, content: "Let me think")
        let payload = try decodeServerMessage(ServerMessages.peerThought(from: agentId, thought, ts: ts), type: "PEER_THOUGHT")
        #expect(payload == ["sourceAgentId": .string(agentId), "taskId": .string(taskId), "step": 2, "content": "Let me think"])
    }

    @Test("AGENT_DISCONNECT carries the leaving agent's id in the envelope, name and slot in the payload")
    func agentDisconnect() throws {
        let bytes = ServerMessages.agentDisconnect(agentId: agentId, name: "Ada", slot: 4, reason: nil, ts: ts)
        let payload = try decodeServerMessage(bytes, type: "AGENT_DISCONNECT", agentId: agentId)
        #expect(payload == ["name": "Ada", "slot": 4])

        let kicked = ServerMessages.agentDisconnect(agentId: agentId, name: "Ada", slot: 4, reason: "Idle timeout", ts: ts)
        #expect(try decodeServerMessage(kicked, type: "AGENT_DISCONNECT", agentId: agentId)
            == ["name": "Ada", "slot": 4, "reason": "Idle timeout"])
    }

    @Test("The full ARENA_ERROR names its target")
    func fullError() throws {
        let payload = try decodeServerMessage(ServerMessages.error("Malformed thing", targetAgentId: agentId, ts: ts), type: "ARENA_ERROR")
        #expect(payload == ["reason": "Malformed thing", "targetAgentId": .string(agentId)])
    }

    @Test("The bare ARENA_ERROR is only type and reason")
    func bareError() throws {
        let message = try decode(ServerMessages.bareError("First message must be AGENT_CONNECT"))
        #expect(message == ["type": "ARENA_ERROR", "payload": ["reason": "First message must be AGENT_CONNECT"]])
    }

    @Test("PING and PONG are bare")
    func pingPong() throws {
        #expect(try decode(ServerMessages.ping(ts: ts)) == ["type": "PING", "ts": .number(Double(ts))])
        #expect(try decode(ServerMessages.pong(ts: ts)) == ["type": "PONG", "ts": .number(Double(ts))])
        #expect(String(decoding: ServerMessages.ping(ts: 12), as: UTF8.self) == #"{"ts":12,"type":"PING"}"#)
    }

    @Test("Envelope numbers print as JavaScript prints them: no fractions")
    func integralNumbers() {
        let text = String(decoding: ServerMessages.ack(slot: 0, connectedPeers: 1, ts: ts), as: UTF8.self)
        #expect(text.contains(#""slot":0"#))
        #expect(text.contains(#""seq":0"#))
        #expect(text.contains(#""ts":1700000123456"#))
        #expect(!text.contains(".0,") && !text.contains(".0}"))
    }

    @Test("Server messages pass the original's own envelope check")
    func passValidation() throws {
        let message = try ProtocolValidation.parse(ServerMessages.ack(slot: 0, connectedPeers: 1, ts: ts)).get()
        #expect(envelopeFailure(message, at: Double(ts)) == nil)
    }

    // MARK: The extension

    let entry = RosterEntry(
        agentId: agentId, slot: 1, name: "Ada", color: "#f80", persona: "curious", version: "1.0", connectedAt: 1_700_000_000_000)

    @Test("A roster entry describes an agent as GET /agents does")
    func rosterEntry() throws {
        let expected: JSONValue = [
            "agentId": .string(agentId), "slot": 1, "name": "Ada", "color": "#f80", "persona": "curious",
            "version": "1.0", "connectedAt": 1_700_000_000_000,
        ]
        #expect(entry.json == expected)
        #expect(try JSONCodec.decode(RosterEntry.self, from: JSONCodec.encode(entry)) == entry)
    }

    @Test("ARENA_SNAPSHOT carries the roster, tasks, history, spectator count and admin flag")
    func snapshot() throws {
        let task = GlobalTaskPayload(taskId: taskId, description: "Go", issuedAt: 5)
        let history: [JSONValue] = [["type": "AGENT_THOUGHT"]]
        let bytes = ServerMessages.snapshot(roster: [entry], tasks: [task], history: history, spectators: 2, isAdmin: true, ts: ts)
        let payload = try decodeServerMessage(bytes, type: "ARENA_SNAPSHOT")
        #expect(payload == [
            "arenaVersion": "0.1.0", "agents": [entry.json], "tasks": [task.json], "history": .array(history),
            "spectators": 2, "admin": true,
        ])
    }

    @Test("AGENT_JOIN carries the agent's id in the envelope and its roster entry as payload")
    func agentJoin() throws {
        let payload = try decodeServerMessage(ServerMessages.agentJoin(entry, ts: ts), type: "AGENT_JOIN", agentId: agentId)
        #expect(payload == entry.json)
    }

    @Test("TASKS_CLEARED and ADMIN_RESULT")
    func adminMessages() throws {
        #expect(try decodeServerMessage(ServerMessages.tasksCleared(count: 3, ts: ts), type: "TASKS_CLEARED") == ["cleared": 3])
        let result = ServerMessages.adminResult(action: "task", outcome: ["ok": true, "taskId": .string(taskId)], ts: ts)
        #expect(try decodeServerMessage(result, type: "ADMIN_RESULT") == ["ok": true, "taskId": .string(taskId), "action": "task"])
    }
}

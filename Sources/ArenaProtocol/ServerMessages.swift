/// Messages the arena builds, already encoded as JSON text ready for a frame.
public enum ServerMessages {
    /// `{type, agentId, slot: 0, seq: 0, ts, payload}` — the envelope of every server-built message.
    public static func envelope(
        _ type: MessageType, agentId: String = ProtocolLimits.serverAgentId, ts: Int64, payload: JSONObject
    ) -> [UInt8] {
        JSONCodec.encode(JSONValue.object([
            "type": .string(type.rawValue),
            "agentId": .string(agentId),
            "slot": .number(0),
            "seq": .number(0),
            "ts": .number(Double(ts)),
            "payload": .object(payload),
        ]))
    }

    public static func ack(slot: Int, connectedPeers: Int, ts: Int64) -> [UInt8] {
        envelope(.arenaAck, ts: ts, payload: [
            "slot": .number(Double(slot)),
            "connectedPeers": .number(Double(connectedPeers)),
            "arenaVersion": .string(ProtocolLimits.arenaVersion),
        ])
    }

    public static func globalTask(_ task: GlobalTaskPayload, ts: Int64) -> [UInt8] {
        envelope(.globalTask, ts: ts, payload: [
            "taskId": .string(task.taskId),
            "description": .string(task.description),
            "issuedAt": .number(Double(task.issuedAt)),
        ])
    }

    public static func peerThought(from sourceAgentId: String, _ thought: AgentThoughtPayload, ts: Int64) -> [UInt8] {
        envelope(.peerThought, ts: ts, payload: [
            "sourceAgentId": .string(sourceAgentId),
            "taskId": .string(thought.taskId),
            "step": .number(thought.step),
            "content": .string(thought.content),
        ])
    }

    /// Sent to the agents that remain; the envelope carries the leaving agent's id. `reason` is our
    /// addition (agents of the original ignore unknown fields).
    public static func agentDisconnect(agentId: String, name: String, slot: Int, reason: String?, ts: Int64) -> [UInt8] {
        var payload: JSONObject = ["name": .string(name), "slot": .number(Double(slot))]
        if let reason { payload["reason"] = .string(reason) }
        return envelope(.agentDisconnect, agentId: agentId, ts: ts, payload: payload)
    }

    /// The full error, sent once a connection belongs to an agent.
    public static func error(_ reason: String, targetAgentId: String, ts: Int64) -> [UInt8] {
        envelope(.arenaError, ts: ts, payload: ["reason": .string(reason), "targetAgentId": .string(targetAgentId)])
    }

    /// The bare error the original sends before AGENT_CONNECT and for unparseable frames.
    public static func bareError(_ reason: String) -> [UInt8] {
        JSONCodec.encode(JSONValue.object([
            "type": .string(MessageType.arenaError.rawValue),
            "payload": .object(["reason": .string(reason)]),
        ]))
    }

    /// PING and PONG are bare: `{"type":"PING","ts":…}`.
    public static func ping(ts: Int64) -> [UInt8] { bare(.ping, ts: ts) }
    public static func pong(ts: Int64) -> [UInt8] { bare(.pong, ts: ts) }

    private static func bare(_ type: MessageType, ts: Int64) -> [UInt8] {
        JSONCodec.encode(JSONValue.object(["type": .string(type.rawValue), "ts": .number(Double(ts))]))
    }
}

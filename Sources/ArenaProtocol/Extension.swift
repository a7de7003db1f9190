/// One agent on the roster, as `GET /agents`, ARENA_SNAPSHOT and AGENT_JOIN describe it.
public struct RosterEntry: Sendable, Equatable, Codable {
    public var agentId: String
    public var slot: Int
    public var name: String
    public var color: String
    public var persona: String
    public var version: String
    public var connectedAt: Int64

    public init(agentId: String, slot: Int, name: String, color: String, persona: String, version: String, connectedAt: Int64) {
        self.agentId = agentId
        self.slot = slot
        self.name = name
        self.color = color
        self.persona = persona
        self.version = version
        self.connectedAt = connectedAt
    }

    public var json: JSONValue {
        .object([
            "agentId": .string(agentId), "slot": .number(Double(slot)), "name": .string(name),
            "color": .string(color), "persona": .string(persona), "version": .string(version),
            "connectedAt": .number(Double(connectedAt)),
        ])
    }
}

extension GlobalTaskPayload {
    public var json: JSONValue {
        .object([
            "taskId": .string(taskId), "description": .string(description),
            "issuedAt": .number(Double(issuedAt)),
        ])
    }
}

/// The extension messages of docs/PROTOCOL.md, which only spectators and admins ever receive.
extension ServerMessages {
    /// What a spectator sees first: the roster, the replayable tasks and the recent conversation.
    public static func snapshot(
        roster: [RosterEntry], tasks: [GlobalTaskPayload], history: [JSONValue],
        spectators: Int, isAdmin: Bool, ts: Int64
    ) -> [UInt8] {
        envelope(.arenaSnapshot, ts: ts, payload: [
            "arenaVersion": .string(ProtocolLimits.arenaVersion),
            "agents": .array(roster.map(\.json)),
            "tasks": .array(tasks.map(\.json)),
            "history": .array(history),
            "spectators": .number(Double(spectators)),
            "admin": .bool(isAdmin),
        ])
    }

    public static func agentJoin(_ entry: RosterEntry, ts: Int64) -> [UInt8] {
        envelope(.agentJoin, agentId: entry.agentId, ts: ts, payload: entry.json.objectValue ?? [:])
    }

    public static func tasksCleared(count: Int, ts: Int64) -> [UInt8] {
        envelope(.tasksCleared, ts: ts, payload: ["cleared": .number(Double(count))])
    }

    public static func adminResult(action: String, outcome: JSONObject, ts: Int64) -> [UInt8] {
        var payload = outcome
        payload["action"] = .string(action)
        return envelope(.adminResult, ts: ts, payload: payload)
    }
}

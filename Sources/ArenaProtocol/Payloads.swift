/// Typed payloads of the original protocol. Numbers stay `Double` where JavaScript allows any number,
/// so a relayed value prints back exactly as it came in.
public struct AgentConnectPayload: Sendable, Equatable, Codable {
    public var name: String
    public var color: String
    public var persona: String
    public var version: String

    public init(name: String, color: String, persona: String, version: String) {
        self.name = name
        self.color = color
        self.persona = persona
        self.version = version
    }
}

public struct AgentThoughtPayload: Sendable, Equatable, Codable {
    public var taskId: String
    public var step: Double
    public var content: String

    public init(taskId: String, step: Double, content: String) {
        self.taskId = taskId
        self.step = step
        self.content = content
    }
}

public struct AgentResponsePayload: Sendable, Equatable, Codable {
    public var taskId: String
    public var content: String
    public var durationMs: Double

    public init(taskId: String, content: String, durationMs: Double) {
        self.taskId = taskId
        self.content = content
        self.durationMs = durationMs
    }
}

public struct GlobalTaskPayload: Sendable, Equatable, Codable {
    public var taskId: String
    public var description: String
    public var issuedAt: Int64

    public init(taskId: String, description: String, issuedAt: Int64) {
        self.taskId = taskId
        self.description = description
        self.issuedAt = issuedAt
    }
}

/// What the relay learns from a valid agent message, by type.
public enum AgentPayload: Sendable, Equatable {
    case connect(AgentConnectPayload)
    case thought(AgentThoughtPayload)
    case response(AgentResponsePayload)
    /// A type the original accepts without looking at its payload (server-only types, PING, PONG).
    case unchecked(MessageType)
}

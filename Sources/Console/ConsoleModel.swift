import ArenaProtocol

/// One agent as the console shows it.
public struct AgentRow: Equatable, Sendable {
    public var agentId: String
    public var slot: Int
    public var name: String
    public var color: String
    public var persona: String
    public var version: String
    public var isOnline: Bool
    public var lastActivity: Int64?
    /// What it is doing now, for the roster: "thinking (step 3)", "answered", "left".
    public var activity: String

    public init(_ entry: RosterEntry) {
        agentId = entry.agentId
        slot = entry.slot
        name = entry.name
        color = entry.color
        persona = entry.persona
        version = entry.version
        isOnline = true
        lastActivity = nil
        activity = "joined"
    }
}

/// One line of the chat (and of an agent's console).
public struct ChatLine: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case task
        case thought(step: Int)
        case response(durationMs: Double)
        case joined
        case left
        /// Messages from the console itself: command outcomes, connection changes.
        case system
        /// Local agents (next issues): logs and streamed tokens go to their consoles.
        case log(level: String)
    }

    public var at: Int64
    public var kind: Kind
    /// The agent it is about; nil for tasks and system lines.
    public var agentId: String?
    public var author: String
    public var text: String
    public var taskId: String?

    public init(at: Int64, kind: Kind, agentId: String? = nil, author: String, text: String, taskId: String? = nil) {
        self.at = at
        self.kind = kind
        self.agentId = agentId
        self.author = author
        self.text = text
        self.taskId = taskId
    }
}

public struct TaskInfo: Equatable, Sendable {
    public var taskId: String
    public var description: String
    public var issuedAt: Int64
}

/// A short-lived message in the status area (command outcomes, warnings).
public struct Notice: Equatable, Sendable {
    public enum Level: Equatable, Sendable { case info, success, warning, error }
    public var level: Level
    public var text: String
    public var expiresAt: Int64
}

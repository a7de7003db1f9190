import ArenaProtocol

/// One agent as the console shows it: its roster entry (`row.name`, `row.slot`… read through to it)
/// and what the console knows of it besides.
@dynamicMemberLookup
public struct AgentRow: Equatable, Sendable {
    public var entry: RosterEntry
    public var isOnline = true
    public var lastActivity: Int64?
    /// What it is doing now, for the roster: "thinking (step 3)", "answered", "left".
    public var activity = "joined"

    public init(_ entry: RosterEntry) {
        self.entry = entry
    }

    public subscript<Value>(dynamicMember keyPath: KeyPath<RosterEntry, Value>) -> Value {
        entry[keyPath: keyPath]
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

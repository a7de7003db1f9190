import ArenaProtocol

/// One agent as the console shows it: its roster entry (`row.name`, `row.slot`… read through to it)
/// and what the console knows of it besides.
@dynamicMemberLookup
public struct AgentRow: Equatable, Sendable {
    public var entry: RosterEntry
    public var isOnline = true
    public var lastActivity: Int64?
    /// What it is doing now, for the roster.
    public var activity = AgentActivity.joined

    public init(_ entry: RosterEntry) {
        self.entry = entry
    }

    public subscript<Value>(dynamicMember keyPath: KeyPath<RosterEntry, Value>) -> Value {
        entry[keyPath: keyPath]
    }
}

/// What an agent is doing, as its roster row says it.
public enum AgentActivity: Equatable, Sendable, CustomStringConvertible {
    /// A local agent not yet in the arena.
    case starting
    /// Started; joining the arena.
    case joining
    case joined
    case idle
    case taskReceived
    /// Thinking; the step of its latest thought when the arena told it.
    case thinking(step: Int?)
    case answered
    case left
    case failed
    case stopped
    case retiring
    case retired
    /// The connection to the arena is lost: nobody knows.
    case unknown

    public var description: String {
        switch self {
        case .starting: "starting"
        case .joining: "joining"
        case .joined: "joined"
        case .idle: "idle"
        case .taskReceived: "task received"
        case .thinking(let step?): "thinking (step \(step))"
        case .thinking(nil): "thinking"
        case .answered: "answered"
        case .left: "left"
        case .failed: "failed"
        case .stopped: "stopped"
        case .retiring: "retiring"
        case .retired: "retired"
        case .unknown: "unknown (disconnected)"
        }
    }
}

/// A console line's level: the agent's own log levels, and what the host says about it.
public enum ConsoleLogLevel: String, Equatable, Sendable {
    case debug, info, warn, error
    /// The model's text as it streams.
    case model
    /// A step of the agent's life (the host's words).
    case agent
    /// What the agent wrote to stdout or stderr.
    case output

    /// A level as an agent names it; anything unknown counts as info.
    public init(naming text: String) {
        switch text.lowercased() {
        case "debug", "trace": self = .debug
        case "warn", "warning": self = .warn
        case "error", "fatal": self = .error
        case "model": self = .model
        case "agent": self = .agent
        case "output": self = .output
        default: self = .info
        }
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
        case log(level: ConsoleLogLevel)
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

/// Everything an arena can send a client, decoded once at the edge (`ArenaMessage(frame:)`).
///
/// The console and the participants read these types and nothing else: every number in them is finite,
/// integral where the contract means an integer and within a sane range; every string is within its
/// contract's length. What cannot be decoded is a value too (`.malformed`), never a trap, and it carries
/// the reason to show the user. Fields nobody reads are not decoded, so they cannot be wrong.
public enum ArenaMessage: Sendable, Equatable {
    case ping
    case pong
    case ack(ArenaAck)
    case task(GlobalTaskPayload)
    /// AGENT_THOUGHT, relayed to everybody (the sender included).
    case thought(RelayedThought)
    /// PEER_THOUGHT: the same thought as AGENT_THOUGHT, to every agent but its author.
    case peerThought(PeerThought)
    case response(RelayedResponse)
    /// AGENT_DISCONNECT.
    case agentLeft(AgentLeft)
    /// ARENA_ERROR: the arena refused something this client sent.
    case error(reason: String)

    // mowai's extension (docs/PROTOCOL.md).
    case snapshot(ArenaSnapshot)
    case agentJoined(RosterEntry)
    case tasksCleared
    case adminResult(AdminResult)

    /// A `type` this client does not know (a newer arena, someone else's extension).
    case unknown(type: String)
    /// A frame that is not a message of the contract: bad JSON, a missing or mistyped field, a number
    /// out of range, a string too long, a binary frame.
    case malformed(MalformedFrame)
}

public struct ArenaAck: Sendable, Equatable {
    public var slot: Int
    /// Agents connected, this one included; absent from arenas that do not say.
    public var connectedPeers: Int?

    public init(slot: Int, connectedPeers: Int?) {
        self.slot = slot
        self.connectedPeers = connectedPeers
    }
}

/// AGENT_THOUGHT as the arena relays it: the author's envelope and its payload.
public struct RelayedThought: Sendable, Equatable {
    public var agentId: String
    public var seq: Int64
    /// The author's `ts` (wall clock, ms since the epoch), within the arena's allowed drift.
    public var ts: Int64
    public var taskId: String
    public var step: Int
    public var content: String

    public init(agentId: String, seq: Int64, ts: Int64, taskId: String, step: Int, content: String) {
        self.agentId = agentId
        self.seq = seq
        self.ts = ts
        self.taskId = taskId
        self.step = step
        self.content = content
    }
}

public struct RelayedResponse: Sendable, Equatable {
    public var agentId: String
    public var seq: Int64
    public var ts: Int64
    public var taskId: String
    public var content: String
    public var durationMs: Double

    public init(agentId: String, seq: Int64, ts: Int64, taskId: String, content: String, durationMs: Double) {
        self.agentId = agentId
        self.seq = seq
        self.ts = ts
        self.taskId = taskId
        self.content = content
        self.durationMs = durationMs
    }
}

/// A thought or a response, live or in a snapshot's history.
public enum AgentPost: Sendable, Equatable {
    case thought(RelayedThought)
    case response(RelayedResponse)
}

public struct PeerThought: Sendable, Equatable {
    public var sourceAgentId: String
    public var taskId: String
    public var step: Int
    public var content: String

    public init(sourceAgentId: String, taskId: String, step: Int, content: String) {
        self.sourceAgentId = sourceAgentId
        self.taskId = taskId
        self.step = step
        self.content = content
    }
}

public struct AgentLeft: Sendable, Equatable {
    public var agentId: String
    /// Why it left (mowai's addition: "Idle timeout", "Kicked by admin: …").
    public var reason: String?

    public init(agentId: String, reason: String?) {
        self.agentId = agentId
        self.reason = reason
    }
}

/// What a spectator sees first: the roster, the replayable tasks and the recent conversation.
public struct ArenaSnapshot: Sendable, Equatable {
    public var agents: [RosterEntry]
    public var tasks: [GlobalTaskPayload]
    public var history: [AgentPost]
    /// Whether the arena took this console's admin secret; absent when none was presented.
    public var isAdmin: Bool?

    public init(agents: [RosterEntry], tasks: [GlobalTaskPayload], history: [AgentPost], isAdmin: Bool?) {
        self.agents = agents
        self.tasks = tasks
        self.history = history
        self.isAdmin = isAdmin
    }
}

public struct AdminResult: Sendable, Equatable {
    /// "auth", "task", "kick", "clear-tasks".
    public var action: String
    public var succeeded: Bool
    public var error: String?

    public init(action: String, succeeded: Bool, error: String?) {
        self.action = action
        self.succeeded = succeeded
        self.error = error
    }
}

/// Why a frame was not understood. `kind` groups the frames a user need hear of only once: by message
/// type, or for frames that are no message at all, by what is wrong with them (numbers left out), so
/// there are only ever a few dozen kinds, whatever an arena sends. `description` says what was wrong.
public struct MalformedFrame: Error, Sendable, Equatable, CustomStringConvertible {
    /// The message type it claimed, when it claimed a known one.
    public var type: String?
    /// The field at fault, as a path ("payload.slot", "history[3].payload.step"), or "frame".
    public var field: String
    public var problem: String

    public init(type: String?, field: String, problem: String) {
        self.type = type
        self.field = field
        self.problem = problem
    }

    public var kind: String {
        if let type { return type }
        return "\(field) \(problem.filter { !$0.isNumber })"
    }

    public var description: String {
        let subject = field == "frame" ? "" : "\(field) "
        return "\(type.map { "\($0): " } ?? "")\(subject)\(problem)"
    }
}

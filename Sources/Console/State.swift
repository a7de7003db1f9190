import ArenaProtocol
import Mob

/// Everything the console shows, and nothing it doesn't: `view(State)` draws it, `reduce` changes it.
public struct State: Equatable, Sendable {
    /// Times in here are monotonic ms (`Moment.monotonicMs`): a step of the wall clock moves no deadline.
    public enum Connection: Equatable, Sendable {
        case connecting(attempt: Int)
        case connected(since: Int64)
        /// Waiting before the next attempt; the countdown is shown.
        case waiting(until: Int64, attempt: Int, reason: String)
    }

    /// What the arena at the other end understands.
    public enum ArenaKind: Equatable, Sendable {
        /// Not known yet: the console asked to spectate and waits for the snapshot.
        case unknown
        /// `mowai arena`: spectator extension, join events, admin over the socket.
        case mowai
        /// The original Node Arena: the console registers as an observer agent and polls /agents.
        case original
    }

    public enum Pane: Int, CaseIterable, Equatable, Sendable { case roster, chat, console }

    public struct Options: Equatable, Sendable {
        public var arenaURL: String
        /// Admin commands are enabled (a secret is held by the shell; the state never sees it).
        public var isAdmin: Bool
        /// The console's own id when it must register as an observer agent (original Arena).
        public var observerAgentId: String
        public var chatCapacity = 2000
        public var consoleCapacity = 500

        public init(arenaURL: String, isAdmin: Bool, observerAgentId: String) {
            self.arenaURL = arenaURL
            self.isAdmin = isAdmin
            self.observerAgentId = observerAgentId
        }
    }

    public var options: Options
    /// The time of the latest action: its wall clock for what is shown, its monotonic clock for deadlines.
    public var now: Moment
    public var size = TerminalSize(columns: 80, rows: 24)

    public var connection: Connection = .connecting(attempt: 1)
    public var arenaKind: ArenaKind = .unknown
    /// Round trip of the last PING we sent, in ms, and when that PING left (monotonic ms).
    public var latencyMs: Int?
    public var pingSentAt: Int64?
    /// The seq of the observer agent's next envelope (original Arena only).
    public var observerSeq = 1
    /// Whether `GET /agents` has answered once (original Arena only).
    public var hasPolledRoster = false

    public var roster: [AgentRow] = []
    public var chat: BoundedLog<ChatLine>
    public var consoles: [String: BoundedLog<ChatLine>] = [:]
    public var task: TaskInfo?
    public var taskHistory: [TaskInfo] = []
    /// Messages already shown, so replays after a reconnect (snapshot history) are not repeated.
    public var seenMessageKeys = RecentlySeen<String>(capacity: 5000)
    /// Tasks already shown (ids only), so replayed tasks never repeat.
    public var seenTaskIds = RecentlySeen<String>(capacity: 5000)
    /// Malformed frames and unknown types: each kind is told once.
    public var rejectedFrames = RejectedFrames()
    /// The roster reached `rosterLimit` (told once).
    public var isRosterFull = false
    /// When the next keepalive PING is due (monotonic ms).
    public var nextPingAt: Int64?
    /// When to reconnect after a loss (the logic every arena client shares: `ReconnectBackoff`).
    public var backoff = ReconnectBackoff()

    /// The mobs this console hosts: their members are local agents, grouped in the roster by mob and role.
    public var mobs: [MobView] = []
    /// Agents this console hosts (their consoles show logs, lifecycle and the model's text).
    public var localAgentIds: Set<String> = []
    /// Local agents whose console ends in a model line still being streamed.
    public var streamingAgentIds: Set<String> = []

    public var focus: Pane = .roster
    public var rosterCursor = 0
    /// The agent whose console is shown.
    public var selectedAgentId: String?
    /// Lines scrolled up from the bottom, per pane (0 follows new messages).
    public var scrollback: [Pane: Int] = [:]
    public var showsConsoleGrid = false
    public var showsHelp = false
    /// The command line; nil when not typing.
    public var input: String?
    public var notices: [Notice] = []
    public var isQuitting = false

    public init(options: Options, now: Moment) {
        self.options = options
        self.now = now
        chat = BoundedLog(capacity: options.chatCapacity)
    }

    // MARK: Derived

    public var onlineAgents: [AgentRow] { roster.filter(\.isOnline) }

    public var selectedAgent: AgentRow? {
        guard let selectedAgentId else { return nil }
        return roster.first { $0.agentId == selectedAgentId }
    }

    public func agent(_ agentId: String) -> AgentRow? { roster.first { $0.agentId == agentId } }

    /// "spectator", "admin", "observer agent (original arena)".
    public var roleDescription: String {
        switch arenaKind {
        case .original: return options.isAdmin ? "admin · observer agent (original arena)" : "observer agent (original arena)"
        case .mowai, .unknown: return options.isAdmin ? "admin" : "spectator"
        }
    }
}

public struct TerminalSize: Equatable, Sendable {
    public var columns: Int
    public var rows: Int
    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }
}

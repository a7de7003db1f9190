import ArenaProtocol

/// What `GET /metrics` reports: counters since the arena started. The relay counts what it decides
/// (messages by type, rejected frames, the closes it orders); the shell counts what only it sees
/// (frames too big, backpressure, slow clients, HTTP). Every label takes one of a fixed set of values,
/// so a hostile client cannot grow the report.
public struct ArenaMetrics: Sendable, Equatable {
    /// Messages and their bytes, per type (`nil`: a frame that was not an arena message).
    public struct Traffic: Sendable, Equatable {
        public var messages = 0
        public var bytes = 0
    }

    /// Why a frame was refused.
    public enum Rejection: String, Sendable, CaseIterable {
        /// Not JSON, or not an object: a bare ARENA_ERROR.
        case malformed
        /// A message that broke a protocol rule (envelope, payload, seq, agentId, an agent's GLOBAL_TASK).
        case invalid
        /// A first message that did not register: the connection is refused.
        case refused
        /// Over the 8 KB frame limit (closed 1009).
        case tooBig = "too_big"
    }

    public var received: [MessageType?: Traffic] = [:]
    /// Counted per recipient: a thought relayed to 200 agents is 200 messages.
    public var sent: [MessageType: Traffic] = [:]
    public var rejected: [Rejection: Int] = [:]
    /// Connections the arena closed, by WebSocket close code.
    public var closedByArena: [UInt16: Int] = [:]
    public var connectionsOpened = 0
    public var tasksIssued = 0
    /// Times reading from every client was paused because output was piling up.
    public var backpressurePauses = 0
    /// Clients closed because they did not read what they were sent.
    public var slowClientsDropped = 0
    /// HTTP requests by path (one of `httpPaths`, else "other") and status.
    public var httpRequests: [HTTPRequestKey: Int] = [:]

    public struct HTTPRequestKey: Hashable, Sendable {
        public let path: String
        public let status: Int
    }

    /// The paths counted by name; anything else is "other".
    public static let httpPaths: Set<String> = ["/health", "/agents", "/tasks", "/task", "/kick", "/clear-tasks", "/metrics"]

    public init() {}

    mutating func recordReceived(_ type: MessageType?, bytes: Int) {
        received[type, default: Traffic()].messages += 1
        received[type, default: Traffic()].bytes += bytes
    }

    mutating func recordSent(_ type: MessageType, bytes: Int, recipients: Int) {
        sent[type, default: Traffic()].messages += recipients
        sent[type, default: Traffic()].bytes += bytes * recipients
    }

    public mutating func recordRejected(_ rejection: Rejection) {
        rejected[rejection, default: 0] += 1
    }

    public mutating func recordClosed(_ code: CloseCode) {
        closedByArena[code.rawValue, default: 0] += 1
    }

    public mutating func recordHTTP(path: String, status: Int) {
        let bare = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let key = HTTPRequestKey(path: Self.httpPaths.contains(bare) ? bare : "other", status: (100...599).contains(status) ? status : 0)
        httpRequests[key, default: 0] += 1
    }
}

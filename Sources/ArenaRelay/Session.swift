import ArenaProtocol

/// What the relay remembers about one connection.
struct Session: Sendable {
    enum Role: Sendable, Equatable {
        /// Connected, not registered yet: only PING, AGENT_CONNECT and SPECTATE are allowed.
        case pending
        case agent(id: String)
        case spectator(isAdmin: Bool)
    }

    var role: Role = .pending
    /// The X-Admin-Secret header of the upgrade request, checked when the client starts spectating.
    let presentedSecret: String?
    var lastSeq: Double?
    /// Any parseable frame counts as a sign of life (idle timeout). Monotonic ms.
    var lastHeardAt: Int64
    var errors: ErrorWindow
    var malformedFrames: ErrorWindow
    /// Set when the relay has decided to close it; its frames are ignored from then on.
    var isClosing = false

    init(presentedSecret: String?, openedAt: Int64) {
        self.presentedSecret = presentedSecret
        lastHeardAt = openedAt
        errors = ErrorWindow(startedAt: openedAt)
        malformedFrames = ErrorWindow(startedAt: openedAt)
    }
}

/// The original's error counter: a window that restarts at the first error after it has elapsed.
/// Times are monotonic ms.
struct ErrorWindow: Sendable, Equatable {
    private(set) var count = 0
    private(set) var startedAt: Int64

    init(startedAt: Int64) { self.startedAt = startedAt }

    /// Counts one error at `now` and returns the count within the current window.
    mutating func record(at now: Int64, windowMs: Int64) -> Int {
        if now - startedAt > windowMs {
            count = 1
            startedAt = now
        } else {
            count += 1
        }
        return count
    }
}

/// When to try again after a lost connection: 1 s doubling to 30 s, as the original's clients do, with
/// ±20 % jitter so a room of consoles does not reconnect in lockstep after the arena restarts.
public enum ReconnectPolicy {
    public static func delayMs(attempt: Int, jitter: Double) -> Int64 {
        let base = min(30_000.0, 1000.0 * Double(1 << min(max(attempt - 1, 0), 5)))
        let spread = 0.8 + 0.4 * min(max(jitter, 0), 1)
        return Int64(min(30_000, (base * spread).rounded()))
    }
}

/// The reconnect logic every client of an arena shares (the console, local agents, mob members): attempts
/// that failed since the last connection that worked, and how long to wait after the next loss. A
/// connection "works" once the arena acknowledged it (ARENA_ACK, ARENA_SNAPSHOT): one that opens and
/// drops at once counts as a failure, so a server that accepts and hangs up is not hammered every second.
public struct ReconnectBackoff: Sendable, Equatable {
    public private(set) var failedAttempts = 0
    public private(set) var isHealthy = false

    public init() {}

    /// The arena acknowledged this connection: the next loss starts the backoff over.
    public mutating func connectionWorked() { isHealthy = true }

    /// A new connection opened; it has yet to be acknowledged.
    public mutating func connectionOpened() { isHealthy = false }

    /// The connection was lost or could not open: the wait before the next attempt, in ms.
    public mutating func connectionLost(jitter: Double) -> Int64 {
        failedAttempts = isHealthy ? 1 : failedAttempts + 1
        isHealthy = false
        return ReconnectPolicy.delayMs(attempt: failedAttempts, jitter: jitter)
    }

    /// The number of the next attempt (the first connection is attempt 1).
    public var nextAttempt: Int { failedAttempts + 1 }
}

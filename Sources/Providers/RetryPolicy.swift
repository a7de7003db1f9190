/// When to try a hosted model again: exponential backoff with jitter, honouring the server's
/// `Retry-After` (pure: the random draw is an input).
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included.
    public var attempts: Int
    /// The first backoff, in seconds; each later one doubles.
    public var baseDelay: Double
    /// No wait longer than this: a server asking for more is not waited for.
    public var maxDelay: Double

    public init(attempts: Int = 4, baseDelay: Double = 0.5, maxDelay: Double = 30) {
        self.attempts = max(1, attempts)
        self.baseDelay = max(0, baseDelay)
        self.maxDelay = max(0, maxDelay)
    }

    public static let none = RetryPolicy(attempts: 1)

    /// The wait before attempt `next` (2 for the first retry), or nil to give up. `jitter` in [0, 1)
    /// spreads clients that failed together over the upper half of the backoff.
    public func delay(before next: Int, retryAfter: Double?, jitter: Double) -> Double? {
        guard next <= attempts else { return nil }
        if let retryAfter { return retryAfter <= maxDelay ? retryAfter : nil }
        let backoff = min(maxDelay, baseDelay * Double(1 << min(next - 2, 30)))
        return backoff * (0.5 + 0.5 * min(max(jitter, 0), 1))
    }
}

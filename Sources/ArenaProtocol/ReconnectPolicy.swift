/// When to try again after a lost connection: 1 s doubling to 30 s, as the original's clients do, with
/// ±20 % jitter so a room of consoles does not reconnect in lockstep after the arena restarts.
public enum ReconnectPolicy {
    public static func delayMs(attempt: Int, jitter: Double) -> Int64 {
        let base = min(30_000.0, 1000.0 * Double(1 << min(max(attempt - 1, 0), 5)))
        let spread = 0.8 + 0.4 * min(max(jitter, 0), 1)
        return Int64(min(30_000, (base * spread).rounded()))
    }
}

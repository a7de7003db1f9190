#if canImport(Glibc)
import Glibc
#endif

/// A point in time as two clocks read it at once.
///
/// The wall clock is what people and the wire understand (`ts`, `issuedAt`, the times the console shows)
/// but it can jump: NTP steps it, an operator sets it. The monotonic clock only moves forward, so every
/// timeout, deadline, keepalive, backoff and error window measures on it: a 90 s step of the wall clock
/// expires nobody. Pure state machines receive a `Moment` with each input and never read a clock.
public struct Moment: Sendable, Hashable {
    /// Milliseconds since the Unix epoch (CLOCK_REALTIME).
    public var wallMs: Int64
    /// Milliseconds since an arbitrary start (CLOCK_MONOTONIC); only differences mean anything.
    public var monotonicMs: Int64

    public init(wallMs: Int64, monotonicMs: Int64) {
        self.wallMs = wallMs
        self.monotonicMs = monotonicMs
    }

    /// Both clocks, now. Shells call this; the cores take what they are given.
    public static func now() -> Moment {
        Moment(wallMs: read(CLOCK_REALTIME), monotonicMs: read(CLOCK_MONOTONIC))
    }

    /// The monotonic clock alone, for shells that only pace or time out.
    public static func monotonicNowMs() -> Int64 { read(CLOCK_MONOTONIC) }

    private static func read(_ clock: clockid_t) -> Int64 {
        var spec = timespec()
        clock_gettime(clock, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    /// Milliseconds that really passed since `earlier` (monotonic), never negative.
    public func milliseconds(since earlier: Moment) -> Int64 {
        max(0, monotonicMs - earlier.monotonicMs)
    }

    /// `milliseconds` later on both clocks: how tests and schedules move time on.
    public static func + (moment: Moment, milliseconds: Int64) -> Moment {
        Moment(wallMs: moment.wallMs + milliseconds, monotonicMs: moment.monotonicMs + milliseconds)
    }

    /// The same instant after someone set the wall clock by `milliseconds` (NTP, an operator): the
    /// monotonic reading does not move.
    public func steppingWallClock(by milliseconds: Int64) -> Moment {
        Moment(wallMs: wallMs + milliseconds, monotonicMs: monotonicMs)
    }
}

/// A moment written as one number has both clocks at that number: tests and fixed schedules read as
/// "at 1000" and move on with `+`.
extension Moment: ExpressibleByIntegerLiteral {
    public init(integerLiteral milliseconds: Int64) {
        self.init(wallMs: milliseconds, monotonicMs: milliseconds)
    }
}

import ArenaProtocol

/// The relay's timings and limits. The defaults are the original Arena's; tests shorten the intervals.
public struct RelayConfig: Sendable {
    public var keepaliveIntervalMs: Int64 = ProtocolLimits.keepaliveIntervalMs
    public var idleTimeoutMs: Int64 = ProtocolLimits.idleTimeoutMs
    public var errorLimit = ProtocolLimits.errorLimit
    public var errorWindowMs: Int64 = ProtocolLimits.errorWindowMs
    public var replayedTaskCount = ProtocolLimits.replayedTaskCount
    /// Thoughts and responses kept for spectators' snapshots.
    public var historyLimit = 300
    /// A snapshot carries at most this many bytes of history (the newest that fit), so that joining
    /// never overflows a spectator's output limit, whatever agents padded their thoughts with.
    public var snapshotHistoryBytes = 512 * 1024
    /// Unparseable frames are not counted as errors (as in the original); past this many in one error
    /// window a connection is closed anyway, so nobody can flood the arena with garbage.
    public var malformedFrameLimit = 100
    /// The admin secret; nil refuses every admin action (the original's behaviour when unset).
    public var adminSecret: AdminSecret?
    /// Emit `.record` effects (tasks, thoughts, responses, joins, leaves) for `mowai arena --record`.
    public var recordsEvents = false

    public init() {}
}

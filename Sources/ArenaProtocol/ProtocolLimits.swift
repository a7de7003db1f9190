/// The numbers of the wire contract. String lengths are JavaScript lengths: UTF-16 code units.
public enum ProtocolLimits {
    public static let arenaVersion = "0.1.0"
    /// Server-built messages carry this agentId, slot 0 and seq 0.
    public static let serverAgentId = "00000000-0000-4000-8000-000000000000"

    public static let maxFrameBytes = 8192
    public static let maxTimestampDriftMs: Double = 30_000

    public static let maxNameLength = 64
    public static let maxColorLength = 32
    public static let maxPersonaLength = 64
    public static let maxVersionLength = 32
    public static let maxThoughtLength = 1024
    public static let maxResponseLength = 2048
    public static let maxTaskDescriptionLength = 512

    public static let replayedTaskCount = 5
    public static let errorLimit = 10
    public static let errorWindowMs: Int64 = 60_000
    public static let keepaliveIntervalMs: Int64 = 30_000
    public static let idleTimeoutMs: Int64 = 90_000

    // What clients accept from an arena (`ArenaMessage`). The contract sets no upper bound on these
    // numbers; these are far above anything a working arena sends and far below what could overflow.
    public static let maxSlot: Int64 = 2_147_483_647
    public static let maxPeers: Int64 = 1_000_000
    public static let maxStep: Int64 = 1_000_000_000
    /// JavaScript's largest exact integer (`Number.MAX_SAFE_INTEGER`).
    public static let maxSeq: Int64 = 9_007_199_254_740_991
    /// JavaScript's latest `Date` (year 275760), in ms since the epoch.
    public static let maxTimestampMs: Int64 = 8_640_000_000_000_000
    /// About 31 years.
    public static let maxDurationMs: Double = 1e12
    /// Error and leave reasons. The arenas' own are short, but some echo what the client sent
    /// ("Unknown message type: …"), which a frame of 8192 bytes bounds.
    public static let maxReasonLength = 8192
    public static let maxAdminActionLength = 32
    /// An unknown `type` is named in a notice, cut to this length.
    public static let maxUnknownTypeLength = 64
    public static let maxRosterEntries = 10_000
    public static let maxSnapshotTasks = 1000
    public static let maxSnapshotHistory = 10_000
}

extension String {
    /// The length JavaScript reports for this string (`s.length`): UTF-16 code units.
    public var javaScriptLength: Int { utf16.count }

    /// The first `count` UTF-16 code units, as `s.slice(0, count)` does, without splitting a
    /// surrogate pair into invalid text (a cut pair is dropped whole).
    public func javaScriptPrefix(_ count: Int) -> String {
        prefix(within: count) { $0.utf16.count }
    }

    /// The longest prefix whose UTF-8 fits in `maxBytes`, never cutting a character's bytes apart
    /// (a WebSocket close reason must be valid UTF-8 of at most 123 bytes).
    public func utf8Prefix(maxBytes: Int) -> String {
        prefix(within: maxBytes) { $0.utf8.count }
    }

    /// The longest prefix of whole scalars whose summed `width` stays within `limit`.
    private func prefix(within limit: Int, width: (Unicode.Scalar) -> Int) -> String {
        var result = ""
        var used = 0
        for scalar in unicodeScalars {
            used += width(scalar)
            if used > limit { return result }
            result.unicodeScalars.append(scalar)
        }
        return self
    }
}

/// What one agent may use. The defaults suit the shipped agents with room to spare; tests tighten them.
public struct SandboxLimits: Sendable, Equatable {
    /// Wasm operators per export call (time spent in host-llm is not counted).
    public var fuelPerCall: UInt64 = 1_000_000_000
    /// The agent's linear memory, in bytes.
    public var memoryBytes = 64 << 20
    /// The longest string the host accepts from the agent, in bytes.
    public var maxStringBytes: UInt32 = 1 << 20
    /// Wall-clock limits per export call, in milliseconds, enforced whenever the agent calls an import.
    public var taskDeadlineMs: Int64 = 300_000
    public var peerThoughtDeadlineMs: Int64 = 60_000
    public var setupDeadlineMs: Int64 = 10_000
    /// One host-llm call may take this long before it returns an empty answer.
    public var llmTimeoutMs: Int64 = 120_000
    /// Tokens one host-llm call may generate.
    public var llmMaxTokens = 256
    /// Log messages are clipped to this many bytes.
    public var maxLogBytes = 2048

    public init() {}
}

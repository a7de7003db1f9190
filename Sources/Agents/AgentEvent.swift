import LLMInterface

/// What a local agent does, as its console and its arena connection hear it. Emitted on the agent's
/// own thread, in order.
public enum AgentEvent: Sendable, Equatable {
    /// `on-init` and `get-info` returned: the agent is live.
    case started(AgentInfo)
    case taskReceived(taskId: String, description: String)
    /// A newer task arrived before this one started; only the newest waiting task runs.
    case taskSkipped(taskId: String)
    /// `host-llm` was called; the model is working.
    case thinking(taskId: String?)
    /// A piece of the model's answer, as it streams.
    case llmText(String)
    case llmFinished(LLMCallSummary)
    /// The model failed or timed out; the agent got an empty answer.
    case llmFailed(String)
    /// A hosted model failed before any text and is tried again.
    case llmRetrying(LLMRetry)
    /// `broadcast`: a thought for `taskId` (nil outside of a task: shown in the console only).
    case broadcast(taskId: String?, content: String)
    /// `handle-task` returned.
    case responded(taskId: String, content: String, durationMs: Double)
    case log(AgentLogLevel, String)
    /// A line the agent wrote to WASI stdout or stderr.
    case output(String)
    /// Something odd but survivable: invalid UTF-8 repaired, peer thoughts dropped.
    case warning(String)
    /// A trap or a broken module: the agent is finished.
    case failed(String)
    /// The agent was stopped (removed, or mowai quits).
    case stopped
}

/// One finished `host-llm` call.
public struct LLMCallSummary: Sendable, Equatable {
    public var promptTokens: Int
    public var generatedTokens: Int
    public var durationMs: Int64
    /// Why the model stopped (nil: a stand-in model that does not say).
    public var finishReason: FinishReason?

    public init(promptTokens: Int = 0, generatedTokens: Int, durationMs: Int64, finishReason: FinishReason? = nil) {
        self.promptTokens = promptTokens
        self.generatedTokens = generatedTokens
        self.durationMs = durationMs
        self.finishReason = finishReason
    }
}

public enum AgentLogLevel: String, Sendable, Equatable, CaseIterable {
    case debug, info, warn, error

    /// What the agent passed to `log`; anything unknown counts as info.
    public init(guestLevel: String) {
        switch guestLevel.lowercased() {
        case "debug", "trace": self = .debug
        case "warn", "warning": self = .warn
        case "error", "fatal": self = .error
        default: self = .info
        }
    }
}

/// `get-info`, with the configuration filling what the agent left empty.
public struct AgentInfo: Sendable, Equatable {
    public var name: String
    public var version: String
    public var color: String
    public var persona: String

    public init(name: String, version: String, color: String, persona: String) {
        self.name = name
        self.version = version
        self.color = color
        self.persona = persona
    }
}

/// `agent-config`: who the agent is in this arena, and the persona prompt the host puts in front of
/// every `host-llm` prompt.
public struct AgentConfig: Sendable, Equatable {
    public var name: String
    public var color: String
    public var persona: String
    public var personaPrompt: String

    public init(name: String, color: String, persona: String, personaPrompt: String) {
        self.name = name
        self.color = color
        self.persona = persona
        self.personaPrompt = personaPrompt
    }
}

/// A hosted model's retry: attempt `attempt` of at most `maxAttempts` starts after `delayMs`, because of `error`.
public struct LLMRetry: Sendable, Equatable {
    public var attempt: Int
    public var maxAttempts: Int
    public var delayMs: Int64
    public var error: String

    public init(attempt: Int, maxAttempts: Int, delayMs: Int64, error: String) {
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.delayMs = delayMs
        self.error = error
    }
}

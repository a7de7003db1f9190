import ArenaProtocol

/// One event of a mob, in the envelope subscribers receive (docs/MOBS.md): `{event_id, source, seq,
/// mob_id, timestamp_ms, payload}`. `source` is the member the event is about, or the mob's own id for
/// mob-wide events (flows, wiring); `seq` counts from 1 per source.
public struct MobEvent: Sendable, Equatable {
    public var eventId: String
    public var source: String
    public var seq: Int
    public var mobId: String
    public var timestampMs: Int64
    public var payload: MobEventPayload

    public init(eventId: String, source: String, seq: Int, mobId: String, timestampMs: Int64, payload: MobEventPayload) {
        self.eventId = eventId
        self.source = source
        self.seq = seq
        self.mobId = mobId
        self.timestampMs = timestampMs
        self.payload = payload
    }

    public var json: JSONValue {
        .object([
            "event_id": .string(eventId), "source": .string(source), "seq": .number(Double(seq)), "mob_id": .string(mobId),
            "timestamp_ms": .number(Double(timestampMs)), "payload": payload.json,
        ])
    }
}

/// Token counts of one model turn, or of a whole run.
public struct TokenUsage: Sendable, Equatable {
    public var inputTokens: Int
    public var outputTokens: Int

    public init(inputTokens: Int = 0, outputTokens: Int = 0) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
    }

    public static func + (lhs: TokenUsage, rhs: TokenUsage) -> TokenUsage {
        TokenUsage(inputTokens: lhs.inputTokens + rhs.inputTokens, outputTokens: lhs.outputTokens + rhs.outputTokens)
    }

    public var total: Int { inputTokens + outputTokens }

    var json: JSONValue { .object(["input_tokens": .number(Double(inputTokens)), "output_tokens": .number(Double(outputTokens))]) }
}

/// Why a model turn ended.
public enum StopReason: String, Sendable, Equatable {
    case endTurn = "end_turn"
    case maxTokens = "max_tokens"
    case stopSequence = "stop_sequence"
    case cancelled
    /// The model failed or timed out; the agent got an empty answer.
    case error
}

/// What a member run was for: the three paths work reaches a member by.
public enum RunKind: Sendable, Equatable {
    /// `member send` from a person or a program.
    case external(HandlingMode)
    /// A step of a flow run.
    case flowStep(flowRunId: String, stepId: String)
    /// A task of the arena the mob's members are in.
    case arenaTask(taskId: String)

    var name: String {
        switch self {
        case .external: "external"
        case .flowStep: "flow_step"
        case .arenaTask: "arena_task"
        }
    }
}

public enum HandlingMode: String, Sendable, Equatable {
    /// After the member's current and queued work.
    case queue
    /// Next, ahead of queued work (the earliest boundary a Wasm agent has: between export calls).
    case steer
}

public enum MobEventPayload: Sendable, Equatable {
    // A member's work. A run is one export call (handle-task); a turn is one model call inside it.
    case runStarted(runId: String, member: String, kind: RunKind, prompt: String)
    case turnStarted(runId: String, turnId: String, turnNumber: Int)
    case textDelta(runId: String, turnId: String, delta: String)
    case textComplete(runId: String, turnId: String, content: String)
    /// A hosted model failed before any text: attempt `attempt` of at most `maxAttempts` after `delayMs`.
    case retrying(runId: String?, turnId: String?, attempt: Int, maxAttempts: Int, error: String, delayMs: Int64)
    case turnCompleted(runId: String, turnId: String, stopReason: StopReason, usage: TokenUsage)
    case runCompleted(runId: String, result: String, usage: TokenUsage, durationMs: Int64)
    case runFailed(runId: String, error: String)
    /// A member broadcast a thought; `deliveredTo` are the peers that hear it (wiring).
    case memberThought(runId: String?, content: String, deliveredTo: [String])
    case memberLog(level: String, text: String)
    /// A token budget reached a threshold (80 %, 100 %): the member's, or with `member` nil the mob's.
    case budgetWarning(member: String?, budgetType: String, used: Int64, limit: Int64, percent: Int)

    // Members and wiring.
    case memberSpawned(member: String, profile: String, generation: Int)
    case memberRetired(member: String, generation: Int)
    case memberFailed(member: String, generation: Int, error: String)
    case membersWired(a: String, b: String)
    case membersUnwired(a: String, b: String)

    // Flows. `runId` is the flow run's; per-target events name the target and its member run.
    case flowStarted(runId: String, flowId: String, params: [String: String])
    case stepDispatched(runId: String, stepId: String, target: String, memberRunId: String, attempt: Int)
    case stepCompleted(runId: String, stepId: String, target: String?, output: String, durationMs: Int64)
    case stepFailed(runId: String, stepId: String, target: String?, error: String)
    case stepSkipped(runId: String, stepId: String, reason: String)
    case flowCompleted(runId: String, flowId: String, output: String, durationMs: Int64)
    case flowFailed(runId: String, flowId: String, error: String)
    case flowCanceled(runId: String, flowId: String, reason: String)

    /// A subscriber fell behind: `dropped` events were not delivered to it.
    case streamTruncated(reason: String, dropped: Int)

    public var type: String {
        switch self {
        case .runStarted: "run_started"
        case .turnStarted: "turn_started"
        case .textDelta: "text_delta"
        case .textComplete: "text_complete"
        case .retrying: "retrying"
        case .turnCompleted: "turn_completed"
        case .runCompleted: "run_completed"
        case .runFailed: "run_failed"
        case .memberThought: "member_thought"
        case .memberLog: "member_log"
        case .budgetWarning: "budget_warning"
        case .memberSpawned: "member_spawned"
        case .memberRetired: "member_retired"
        case .memberFailed: "member_failed"
        case .membersWired: "members_wired"
        case .membersUnwired: "members_unwired"
        case .flowStarted: "flow_started"
        case .stepDispatched: "step_dispatched"
        case .stepCompleted: "step_completed"
        case .stepFailed: "step_failed"
        case .stepSkipped: "step_skipped"
        case .flowCompleted: "flow_completed"
        case .flowFailed: "flow_failed"
        case .flowCanceled: "flow_canceled"
        case .streamTruncated: "stream_truncated"
        }
    }

    public var json: JSONValue {
        var fields: JSONObject = ["type": .string(type)]
        func set(_ key: String, _ value: String?) { if let value { fields[key] = .string(value) } }
        func number(_ key: String, _ value: Int64) { fields[key] = .number(Double(value)) }
        switch self {
        case .runStarted(let runId, let member, let kind, let prompt):
            set("run_id", runId); set("member", member); set("kind", kind.name); set("prompt", prompt)
            switch kind {
            case .external(let mode): set("handling_mode", mode.rawValue)
            case .flowStep(let flowRunId, let stepId): set("flow_run_id", flowRunId); set("step_id", stepId)
            case .arenaTask(let taskId): set("task_id", taskId)
            }
        case .turnStarted(let runId, let turnId, let turnNumber):
            set("run_id", runId); set("turn_id", turnId); number("turn_number", Int64(turnNumber))
        case .textDelta(let runId, let turnId, let delta):
            set("run_id", runId); set("turn_id", turnId); set("delta", delta)
        case .textComplete(let runId, let turnId, let content):
            set("run_id", runId); set("turn_id", turnId); set("content", content)
        case .retrying(let runId, let turnId, let attempt, let most, let error, let delayMs):
            set("run_id", runId); set("turn_id", turnId); number("attempt", Int64(attempt)); number("max_attempts", Int64(most))
            set("error", error); number("delay_ms", delayMs)
        case .turnCompleted(let runId, let turnId, let stopReason, let usage):
            set("run_id", runId); set("turn_id", turnId); set("stop_reason", stopReason.rawValue); fields["usage"] = usage.json
        case .runCompleted(let runId, let result, let usage, let durationMs):
            set("run_id", runId); set("result", result); fields["usage"] = usage.json; number("duration_ms", durationMs)
        case .runFailed(let runId, let error):
            set("run_id", runId); set("error", error)
        case .memberThought(let runId, let content, let deliveredTo):
            set("run_id", runId); set("content", content); fields["delivered_to"] = .array(deliveredTo.map(JSONValue.string))
        case .memberLog(let level, let text):
            set("level", level); set("text", text)
        case .budgetWarning(let member, let budgetType, let used, let limit, let percent):
            set("member", member); set("budget_type", budgetType); number("used", used); number("limit", limit)
            number("percent", Int64(percent))
        case .memberSpawned(let member, let profile, let generation):
            set("member", member); set("profile", profile); number("generation", Int64(generation))
        case .memberRetired(let member, let generation):
            set("member", member); number("generation", Int64(generation))
        case .memberFailed(let member, let generation, let error):
            set("member", member); number("generation", Int64(generation)); set("error", error)
        case .membersWired(let a, let b), .membersUnwired(let a, let b):
            set("a", a); set("b", b)
        case .flowStarted(let runId, let flowId, let params):
            set("run_id", runId); set("flow_id", flowId); fields["params"] = .object(params.mapValues(JSONValue.string))
        case .stepDispatched(let runId, let stepId, let target, let memberRunId, let attempt):
            set("run_id", runId); set("step_id", stepId); set("target", target); set("member_run_id", memberRunId)
            number("attempt", Int64(attempt))
        case .stepCompleted(let runId, let stepId, let target, let output, let durationMs):
            set("run_id", runId); set("step_id", stepId); set("target", target); set("output", output); number("duration_ms", durationMs)
        case .stepFailed(let runId, let stepId, let target, let error):
            set("run_id", runId); set("step_id", stepId); set("target", target); set("error", error)
        case .stepSkipped(let runId, let stepId, let reason):
            set("run_id", runId); set("step_id", stepId); set("reason", reason)
        case .flowCompleted(let runId, let flowId, let output, let durationMs):
            set("run_id", runId); set("flow_id", flowId); set("output", output); number("duration_ms", durationMs)
        case .flowFailed(let runId, let flowId, let error):
            set("run_id", runId); set("flow_id", flowId); set("error", error)
        case .flowCanceled(let runId, let flowId, let reason):
            set("run_id", runId); set("flow_id", flowId); set("reason", reason)
        case .streamTruncated(let reason, let dropped):
            set("reason", reason); number("dropped", Int64(dropped))
        }
        return .object(fields)
    }
}

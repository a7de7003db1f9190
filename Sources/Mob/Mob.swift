import ArenaProtocol

/// A mob as a pure state machine, like `Relay`: `handle(input, at:)` changes the state and returns
/// effects for the runtime to carry out (start an agent, run work on it, deliver a thought, emit an
/// event). Members, their queues, wiring and flow runs all live here; no thread, agent or socket does.
///
/// A member runs one piece of work at a time (an export call of its Wasm agent); the mob keeps the
/// rest in the member's queue, so `steer` can put work first and a canceled flow can take its work back.
public struct Mob: Sendable {
    public let definition: MobDefinition
    public var id: String { definition.id }
    public internal(set) var members: [String: Member] = [:]
    /// Members in the order they were spawned.
    public internal(set) var memberOrder: [String] = []
    public internal(set) var flowRuns: [String: FlowRun] = [:]
    var flowRunOrder: [String] = []
    var now: Moment
    var seqBySource: [String: Int] = [:]
    var nextEventNumber = 1
    var nextRunNumber = 1
    var nextFlowRunNumber = 1
    /// The budget thresholds already warned of ("MEMBER#80", "#100" for the mob's).
    var budgetWarnings: Set<String> = []
    /// Arena tasks already taken (each member's socket delivers the same task).
    var takenArenaTasks: [String] = []
    /// The newest arena task, waiting for the running on_task flow to end.
    var pendingArenaTask: (taskId: String, description: String)?
    /// What the current input produced.
    var effects: [MobEffect] = []

    /// Finished flow runs kept for `status`, the oldest forgotten first.
    static let finishedRunLimit = 64
    /// A model turn's text is kept for `text_complete` up to this many characters.
    static let turnTextLimit = 65_536

    public init(definition: MobDefinition, at now: Moment) {
        self.definition = definition
        self.now = now
    }

    /// What an input did: the effects to carry out, and a sentence for whoever asked.
    public struct Outcome: Sendable, Equatable {
        public var effects: [MobEffect]
        public var reply: String
    }

    public mutating func handle(_ input: MobInput, at now: Moment) throws(MobError) -> Outcome {
        if now.monotonicMs >= self.now.monotonicMs { self.now = now }
        effects = []
        let reply: String
        switch input {
        case .start: reply = start()
        case .spawn(let profile, let memberId): reply = try spawn(profile: profile, id: memberId)
        case .retire(let member): reply = try retire(member)
        case .respawn(let member): reply = try respawn(member)
        case .cancelRun(let member): reply = try cancelRun(of: member)
        case .wire(let a, let b): reply = try wire(a, b)
        case .unwire(let a, let b): reply = try unwire(a, b)
        case .wireExternal(let member, let peer): reply = try wireExternal(member, peer)
        case .unwireExternal(let member, let peer): reply = try unwireExternal(member, peer)
        case .send(let member, let content, let mode): reply = try send(content, to: member, mode: mode)
        case .runFlow(let flowId, let params): reply = try runFlow(flowId, params: params, arenaTaskId: nil)
        case .cancelFlow(let runId): reply = try cancelFlow(runId)
        case .arenaTask(let taskId, let description): reply = arenaTask(taskId, description)
        case .externalThought(let member, let from, let text): reply = deliverExternalThought(to: member, from: from, text: text)
        case .report(let member, let generation, let report):
            receive(report, from: member, generation: generation)
            reply = ""
        case .tick: reply = ""
        }
        // Streaming reports (text, turns, thoughts, logs) change no flow: only the rest is worth a pass
        // over the steps of every running flow.
        if Self.mayChangeFlows(input) {
            if case .tick = input { expireDeadlines() }
            advanceFlows()
            // A flow that just ended lets the newest waiting arena task start.
            if pendingArenaTask != nil {
                startPendingArenaTask()
                advanceFlows()
            }
        }
        dispatchIdleMembers()
        return Outcome(effects: effects, reply: reply)
    }

    static func mayChangeFlows(_ input: MobInput) -> Bool {
        switch input {
        case .report(_, _, let report):
            switch report {
            case .turnStarted, .textDelta, .retrying, .turnFinished, .thought, .log: return false
            case .runFinished, .failed, .stopped: return true
            }
        case .wire, .unwire, .wireExternal, .unwireExternal, .externalThought, .send:
            return false
        default:
            return true
        }
    }

    // MARK: Reading the state

    public var activeMembers: [Member] { memberOrder.compactMap { members[$0] }.filter { $0.status == .active } }

    public func member(_ id: String) throws(MobError) -> Member {
        guard let member = members[id] else { throw .unknownMember(id, known: memberOrder) }
        return member
    }

    /// Flow runs, oldest first.
    public var runs: [FlowRun] { flowRunOrder.compactMap { flowRuns[$0] } }

    /// When the next deadline falls (a step's timeout, a flow's limit), in monotonic ms, if any.
    public var nextDeadline: Int64? {
        var deadlines: [Int64] = []
        for run in flowRuns.values where run.status == .running {
            deadlines.append(run.startedAt.monotonicMs + definition.limits.maxFlowDurationMs)
            for (stepId, step) in run.steps where step.state == .running {
                if let started = step.startedAt, let timeout = flow(run.flowId)?.steps[stepId]?.timeoutMs {
                    deadlines.append(started.monotonicMs + timeout)
                }
            }
        }
        return deadlines.min()
    }

    func flow(_ id: String) -> Flow? { definition.flows[id] }

    // MARK: Events

    /// Emits an event from `source` (a member, or the mob itself), numbered per source from 1.
    mutating func emit(_ payload: MobEventPayload, from source: String? = nil) {
        let source = source ?? id
        let seq = seqBySource[source, default: 0] + 1
        seqBySource[source] = seq
        defer { nextEventNumber += 1 }
        effects.append(.emit(MobEvent(eventId: "\(id)-\(nextEventNumber)", source: source, seq: seq, mobId: id,
                                      timestampMs: now.wallMs, payload: payload)))
    }

    mutating func makeRunId() -> String {
        defer { nextRunNumber += 1 }
        return "\(id)-run-\(nextRunNumber)"
    }
}

/// A member of a mob: one local agent of a profile, its status, wiring and work.
public struct Member: Sendable, Equatable {
    public let id: String
    public let profile: String
    public internal(set) var status: MemberStatus = .active
    /// Bumped by each respawn: reports from an older generation's agent are ignored.
    public internal(set) var generation = 1
    /// Members of the same mob whose thoughts it hears, and who hear its own.
    public internal(set) var peers: Set<String> = []
    /// Members of other mobs in the process, likewise.
    public internal(set) var externalPeers: Set<MemberRef> = []
    public internal(set) var usage = TokenUsage()
    var queue: [QueuedRun] = []
    var running: ActiveRun?

    init(id: String, profile: String) {
        self.id = id
        self.profile = profile
    }

    public var queuedRuns: Int { queue.count }
    public var runningRunId: String? { running?.isCanceled == false ? running?.runId : nil }
    public var isBusy: Bool { running != nil }
}

public enum MemberStatus: String, Sendable, Equatable, CaseIterable {
    case active, retiring, failed, retired
}

/// A member of some mob in the process, for cross-mob wiring.
public struct MemberRef: Hashable, Sendable, CustomStringConvertible {
    public var mob: String
    public var member: String

    public init(mob: String, member: String) {
        self.mob = mob
        self.member = member
    }

    public var description: String { "\(mob)/\(member)" }
}

struct QueuedRun: Sendable, Equatable {
    let runId: String
    let text: String
    let kind: RunKind
}

struct ActiveRun: Sendable, Equatable {
    let runId: String
    let text: String
    let kind: RunKind
    let startedAt: Moment
    var turnNumber = 0
    var turnText = ""
    var usage = TokenUsage()
    /// Canceled while running: its results are dropped once the agent is done with it.
    var isCanceled = false
}

/// Everything that can happen to a mob.
public enum MobInput: Sendable {
    /// Spawn the definition's members and wire them.
    case start
    case spawn(profile: String, id: String?)
    case retire(String)
    case respawn(String)
    /// Force-cancel the member's running call.
    case cancelRun(String)
    case wire(String, String)
    case unwire(String, String)
    case wireExternal(String, MemberRef)
    case unwireExternal(String, MemberRef)
    case send(member: String, content: String, mode: HandlingMode)
    case runFlow(String, params: [String: String])
    case cancelFlow(String)
    /// An arena's GLOBAL_TASK, as one of the members' sockets received it.
    case arenaTask(taskId: String, description: String)
    /// A thought of a member of another mob wired to `member`.
    case externalThought(member: String, from: MemberRef, text: String)
    /// What a member's agent did (generation: which of its lives).
    case report(member: String, generation: Int, MemberReport)
    /// The clock moved: timeouts.
    case tick
}

/// What a member's agent reports about the run the mob gave it.
public enum MemberReport: Sendable, Equatable {
    case turnStarted
    case textDelta(String)
    /// The model call failed before any text and is tried again after `delayMs` (a hosted model).
    case retrying(attempt: Int, maxAttempts: Int, delayMs: Int64, error: String)
    case turnFinished(StopReason, TokenUsage)
    /// A broadcast; `runId` is the run it was made in (nil: outside of any, as in on-peer-thought).
    case thought(String, runId: String?)
    case runFinished(output: String)
    case log(level: String, text: String)
    /// The agent trapped or could not start: this generation is over.
    case failed(String)
    /// The agent's thread ended (after `stopMember`).
    case stopped
}

public enum MobEffect: Sendable, Equatable {
    case startMember(member: String, generation: Int, profile: String)
    case stopMember(member: String, generation: Int)
    /// Run `text` on the member's agent (handle-task); exactly one run at a time per member.
    case run(member: String, generation: Int, runId: String, text: String, kind: RunKind)
    /// Abandon the running call: the model call returns at once and the result is dropped.
    case cancelRun(member: String, generation: Int, runId: String)
    case deliverThought(to: String, generation: Int, from: String, text: String)
    case deliverExternal(to: MemberRef, from: String, text: String)
    /// Post in the arena as `member`: a thought or the response to `taskId`.
    case arenaPost(member: String, taskId: String, ArenaPost)
    case emit(MobEvent)
}

public enum ArenaPost: Sendable, Equatable {
    case thought(String)
    case response(String, durationMs: Double)
}

public enum MobError: Error, Equatable, CustomStringConvertible {
    case unknownMember(String, known: [String])
    case memberNotActive(String, MemberStatus)
    case unknownProfile(String, known: [String])
    case duplicateMember(String)
    case invalidMemberId(String)
    case wiredToItself(String)
    case unknownFlow(String, known: [String])
    case missingParameters(flow: String, [String])
    case unknownFlowRun(String)
    case flowRunFinished(String, FlowRun.Status)
    case emptyMessage
    case nothingToCancel(String)

    public var description: String {
        switch self {
        case .unknownMember(let id, let known):
            "no member \"\(id)\" in this mob (members: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
        case .memberNotActive(let id, let status): "member \(id) is \(status.rawValue)"
        case .unknownProfile(let name, let known): "no profile \"\(name)\" (profiles: \(known.joined(separator: ", ")))"
        case .duplicateMember(let id): "a member \(id) already exists"
        case .invalidMemberId(let id): "\"\(id)\" is not a valid member id: use 1 to 64 letters, digits, '-', '_' or '.'"
        case .wiredToItself(let id): "a member cannot be wired to itself (\(id))"
        case .unknownFlow(let id, let known): "no flow \"\(id)\" (flows: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
        case .missingParameters(let flow, let names):
            "flow \(flow) needs \(names.map { "\($0)=…" }.joined(separator: " ")) (its steps use \(names.map { "{{params.\($0)}}" }.joined(separator: ", ")))"
        case .unknownFlowRun(let id): "no flow run \(id)"
        case .flowRunFinished(let id, let status): "flow run \(id) is already \(status.rawValue)"
        case .emptyMessage: "the message is empty"
        case .nothingToCancel(let id): "member \(id) is not running anything"
        }
    }
}

import ArenaProtocol

/// One run of a flow: its status and a ledger per step and target (what `mob flow status` shows).
public struct FlowRun: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable {
        case running, completed, failed, canceled
    }

    public let id: String
    public let flowId: String
    public let params: [String: String]
    public let startedAt: Moment
    /// The arena task that started it (`on_task`), whose thoughts and response its steps post.
    public let arenaTaskId: String?
    public internal(set) var status: Status = .running
    public internal(set) var steps: [String: StepRun]
    public internal(set) var output: String?
    public internal(set) var error: String?
    public internal(set) var finishedAt: Moment?

    // The scheduler's bookkeeping, so each event costs what it touches, not a pass over every step.
    /// Steps whose dependencies have all finished, not started yet, in the flow's order.
    var ready: [String]
    /// For each step still waiting: how many of its dependencies have not finished.
    var waitingOn: [String: Int]
    /// Steps not finished yet; the run ends when none are left.
    var unfinished: Int

    init(id: String, flowId: String, flow: Flow, params: [String: String], startedAt: Moment, arenaTaskId: String?) {
        self.id = id
        self.flowId = flowId
        self.params = params
        self.startedAt = startedAt
        self.arenaTaskId = arenaTaskId
        steps = flow.steps.mapValues { _ in StepRun() }
        waitingOn = flow.steps.filter { !$0.value.dependsOn.isEmpty }.mapValues { Set($0.dependsOn).count }
        ready = flow.order.filter { flow.steps[$0]?.dependsOn.isEmpty == true }
        unfinished = flow.steps.count
    }

    public static func == (lhs: FlowRun, rhs: FlowRun) -> Bool {
        lhs.id == rhs.id && lhs.flowId == rhs.flowId && lhs.params == rhs.params && lhs.startedAt == rhs.startedAt
            && lhs.arenaTaskId == rhs.arenaTaskId && lhs.status == rhs.status && lhs.steps == rhs.steps
            && lhs.output == rhs.output && lhs.error == rhs.error && lhs.finishedAt == rhs.finishedAt
    }
}

public struct StepRun: Sendable, Equatable {
    public enum State: String, Sendable, Equatable {
        case pending, running, completed, failed, skipped, canceled
    }

    public internal(set) var state: State = .pending
    public internal(set) var targets: [TargetRun] = []
    public internal(set) var startedAt: Moment?
    public internal(set) var finishedAt: Moment?
    public internal(set) var output: String?
    public internal(set) var error: String?

    var isFinished: Bool { [.completed, .failed, .skipped, .canceled].contains(state) }
}

/// One member's part in a step: the ledger's row.
public struct TargetRun: Sendable, Equatable {
    public enum State: String, Sendable, Equatable {
        case dispatched, completed, failed, skipped, canceled
    }

    public let member: String
    public internal(set) var memberRunId: String
    public internal(set) var state: State = .dispatched
    public internal(set) var attempt = 1
    public internal(set) var output: String?
    public internal(set) var error: String?
    public internal(set) var dispatchedAt: Moment
    public internal(set) var finishedAt: Moment?

    var isOpen: Bool { state == .dispatched }
}

import Foundation
import LLMInterface

/// A local agent: one Wasm instance on its own thread, fed tasks and peer thoughts, reporting what it
/// does as `AgentEvent`s (on that thread, in order). A failure ends this agent only.
public final class LocalAgent: @unchecked Sendable {
    public let config: AgentConfig
    private let binary: AgentBinary
    private let llm: (any LLM)?
    private let limits: SandboxLimits
    private let emit: @Sendable (AgentEvent) -> Void

    /// Peer thoughts waiting beyond this many push out the oldest.
    public static let peerThoughtQueueLimit = 32

    private struct PendingTask {
        let taskId: String
        let description: String
    }

    private struct PeerThought {
        let peerId: String
        let taskId: String?
        let thought: String
    }

    private let condition = NSCondition()
    private var tasks: [PendingTask] = []
    private var thoughts: [PeerThought] = []
    private var droppedThoughts = 0
    private var isStopping = false
    /// The task whose run was canceled (`abandonCurrentTask`): its model calls return at once.
    /// Tasks canceled by `abandonCurrentTask`: waiting ones never start, the running one's model calls
    /// return at once.
    private var abandonedTaskIds: Set<String> = []
    private var currentTaskId: String?
    private var hasStarted = false
    private let finished = DispatchSemaphore(value: 0)

    public init(binary: AgentBinary, config: AgentConfig, llm: (any LLM)?, limits: SandboxLimits = SandboxLimits(),
                events: @escaping @Sendable (AgentEvent) -> Void) {
        self.binary = binary
        self.config = config
        self.llm = llm
        self.limits = limits
        self.emit = events
    }

    /// Instantiates the agent on a new thread and calls `on-init` and `get-info` there.
    public func start() {
        let alreadyStarted = condition.withLock { () -> Bool in
            defer { hasStarted = true }
            return hasStarted
        }
        guard !alreadyStarted else { return }
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "mowai-agent-\(config.name)"
        // The interpreter keeps its own stack; this one only needs room for host calls.
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// Queues a task. If the agent is busy, the newest waiting task runs next and older ones are skipped.
    public func submitTask(taskId: String, description: String) {
        condition.withLock {
            tasks.append(PendingTask(taskId: taskId, description: description))
            condition.signal()
        }
    }

    public func deliverPeerThought(peerId: String, taskId: String?, thought: String) {
        condition.withLock {
            thoughts.append(PeerThought(peerId: peerId, taskId: taskId, thought: thought))
            if thoughts.count > Self.peerThoughtQueueLimit {
                droppedThoughts += thoughts.count - Self.peerThoughtQueueLimit
                thoughts.removeFirst(thoughts.count - Self.peerThoughtQueueLimit)
            }
            condition.signal()
        }
    }

    /// Stops the agent: a model call in progress is cancelled, the current export call ends at its next
    /// import call (or when its fuel runs out). Waits up to `timeout` seconds for the thread to finish.
    @discardableResult
    public func stop(timeout: Double = 2) -> Bool {
        let started = condition.withLock { () -> Bool in
            isStopping = true
            condition.broadcast()
            return hasStarted
        }
        guard started else { return true }
        let done = finished.wait(timeout: .now() + timeout) == .success
        if done { finished.signal() }  // later calls return at once
        return done
    }

    private var stopRequested: Bool { condition.withLock { isStopping } }

    /// Asks the agent to stop without waiting for its thread (it reports `.stopped` when it has).
    public func requestStop() {
        condition.withLock {
            isStopping = true
            condition.broadcast()
        }
    }

    /// Cancels task `taskId`, running or waiting: a model call in it returns an empty answer at once and
    /// the agent finishes the call (a Wasm agent can only be left between export calls); a task that has
    /// not started never does. Either way it ends with `.responded` (empty if it never ran), which
    /// whoever canceled it drops.
    public func abandonCurrentTask(_ taskId: String) {
        condition.withLock {
            if currentTaskId == taskId || tasks.contains(where: { $0.taskId == taskId }) { abandonedTaskIds.insert(taskId) }
        }
    }

    private var currentTaskIsAbandoned: Bool { condition.withLock { currentTaskId.map(abandonedTaskIds.contains) ?? false } }

    // MARK: The agent's thread

    private func run() {
        let instance: AgentInstance
        do {
            let cancelled: @Sendable () -> Bool = { [weak self] in self?.stopRequested ?? true }
            let abandoned: @Sendable () -> Bool = { [weak self] in self?.currentTaskIsAbandoned ?? false }
            instance = try AgentInstance(binary: binary, host: AgentInstance.Host(
                config: config, llm: llm, limits: limits, seed: Self.seed(for: config.name), emit: emit, isCancelled: cancelled,
                isRunAbandoned: abandoned))
            emit(.started(try instance.start()))
        } catch {
            return finish(error)
        }
        while let job = nextJob() {
            do {
                switch job {
                case .task(let task, let skipped):
                    for old in skipped { emit(.taskSkipped(taskId: old.taskId)) }
                    let abandoned = condition.withLock { () -> Bool in
                        currentTaskId = task.taskId
                        return abandonedTaskIds.contains(task.taskId)
                    }
                    defer {
                        condition.withLock {
                            currentTaskId = nil
                            abandonedTaskIds.remove(task.taskId)
                        }
                    }
                    if abandoned {
                        emit(.responded(taskId: task.taskId, content: "", durationMs: 0))
                        continue
                    }
                    emit(.taskReceived(taskId: task.taskId, description: task.description))
                    // DispatchTime is monotonic: a wall clock set meanwhile does not change the duration.
                    let started = DispatchTime.now().uptimeNanoseconds
                    let answer = try instance.handleTask(taskId: task.taskId, description: task.description)
                    let elapsed = DispatchTime.now().uptimeNanoseconds - started
                    emit(.responded(taskId: task.taskId, content: answer, durationMs: Double(elapsed) / 1_000_000))
                case .thought(let thought, let dropped):
                    if dropped > 0 {
                        emit(.warning("\(dropped) peer thoughts were dropped: they arrived faster than the agent took them"))
                    }
                    try instance.peerThought(peerId: thought.peerId, taskId: thought.taskId, thought: thought.thought)
                }
            } catch {
                return finish(error)
            }
        }
        emit(.stopped)
    }

    private func finish(_ error: any Error) {
        if stopRequested, let call = error as? AgentCallError, call.reason == AgentFault.cancelled.description {
            emit(.stopped)
        } else {
            emit(.failed("\(error)"))
        }
    }

    private enum Job {
        case task(PendingTask, skipped: [PendingTask])
        case thought(PeerThought, dropped: Int)
    }

    /// Waits for work; nil once the agent is told to stop. Waiting peer thoughts go first: they are
    /// cheap, and a task that starts after them can use what the others said.
    private func nextJob() -> Job? {
        condition.withLock {
            while !isStopping && tasks.isEmpty && thoughts.isEmpty { condition.wait() }
            if isStopping { return nil }
            if !thoughts.isEmpty {
                let dropped = droppedThoughts
                droppedThoughts = 0
                return .thought(thoughts.removeFirst(), dropped: dropped)
            }
            let newest = tasks.removeLast()
            defer { tasks.removeAll() }
            return .task(newest, skipped: tasks)
        }
    }

    /// Agents with different names sample differently; the same agent is reproducible.
    static func seed(for name: String) -> UInt64 {
        name.utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
    }
}

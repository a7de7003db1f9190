import Agents
import ArenaProtocol
import Foundation
import Synchronization
import WebSocketClient
import LLMInterface

/// A local agent taking part in an arena: the socket, the clock and the agent around a pure
/// `ParticipantSession`. Everything it does is reported through `onEvent`, for a console or stderr.
public final class ArenaParticipant: Sendable {
    /// What a participant reports: the agent's own events and the session's notes.
    public enum Event: Sendable, Equatable {
        case agent(AgentEvent)
        case session(ParticipantSession.Note)
        case swap(SwapNote)
    }

    /// How a swap to a new build of the agent went (`swap(to:config:)`).
    public enum SwapNote: Sendable, Equatable {
        /// The swap waits for the task in progress to end: the new build answers the next one.
        case waitingForTask
        /// The new build answered `on-init` and `get-info`, and took over the seat.
        case swapped(AgentInfo)
        /// The new build failed to start; the running agent carries on.
        case failed(String)
    }

    public let agentId: String
    public let config: AgentConfig
    private let url: WebSocketURL
    private let hub: WebSocketHub
    private let onEvent: @Sendable (Event) -> Void
    private let session: Mutex<ParticipantSession>
    private let link = ArenaLink()
    private let agent = Mutex<LocalAgent?>(nil)
    private let ticker = Mutex<Task<Void, Never>?>(nil)
    private let llm: (any LLM)?
    private let limits: SandboxLimits
    /// Which agent is which: events of an agent that was swapped out (or never took over) are dropped.
    private let generations = Mutex(Generations())

    struct Generations {
        var current = 0
        var next = 1
        /// A new build starting, not yet in the seat.
        var starting: (generation: Int, agent: LocalAgent)?
        /// A build waiting for the task in progress to end.
        var waiting: (binary: AgentBinary, config: AgentConfig)?
        /// The task the current agent is running, from `runTask` until it responds.
        var busyWith: String?
        /// The current agent failed (and left the arena): its replacement joins again.
        var currentFailed = false
    }

    public init(binary: AgentBinary, config: AgentConfig, llm: (any LLM)?, limits: SandboxLimits = SandboxLimits(),
                arena url: WebSocketURL, hub: WebSocketHub, agentId: String,
                onEvent: @escaping @Sendable (Event) -> Void) {
        self.agentId = agentId
        self.config = config
        self.url = url
        self.hub = hub
        self.onEvent = onEvent
        self.llm = llm
        self.limits = limits
        session = Mutex(ParticipantSession(agentId: agentId))
        let agent = LocalAgent(binary: binary, config: config, llm: llm, limits: limits) { [weak self] event in
            self?.agentDid(event, generation: 0)
        }
        self.agent.withLock { $0 = agent }
    }

    /// Replaces the agent with a new build (or the same one with a new configuration) without leaving
    /// the arena: the seat, its agentId and its slot stay. The new agent starts beside the old one and
    /// takes over once `get-info` has answered; if a task is running, the swap waits for its answer.
    /// If the new build fails to start, the old agent carries on.
    public func swap(to binary: AgentBinary, config: AgentConfig) {
        let wait = generations.withLock { state -> Bool in
            guard state.busyWith != nil else { return false }
            state.waiting = (binary, config)
            return true
        }
        if wait {
            onEvent(.swap(.waitingForTask))
        } else {
            startReplacement(binary, config)
        }
    }

    private func startReplacement(_ binary: AgentBinary, _ config: AgentConfig) {
        let (generation, previous) = generations.withLock { state -> (Int, LocalAgent?) in
            defer { state.next += 1 }
            return (state.next, state.starting?.agent)
        }
        // A build superseded while starting is stopped: only the newest one takes over.
        previous?.requestStop()
        let replacement = LocalAgent(binary: binary, config: config, llm: llm, limits: limits) { [weak self] event in
            self?.agentDid(event, generation: generation)
        }
        generations.withLock { $0.starting = (generation, replacement) }
        replacement.start()
    }

    /// Starts the agent; it joins the arena once `get-info` has answered.
    public func start() {
        agent.withLock { $0 }?.start()
        let task = Task.detached { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 100_000_000)
                guard let self else { return }
                self.feed(.tick(at: .now()))
            }
        }
        ticker.withLock { $0 = task }
    }

    /// Leaves the arena (close 1000) and stops the agent; waits up to `timeout` seconds for its thread.
    public func stop(timeout: Double = 2) {
        feed(.stop)
        ticker.withLock { $0 }?.cancel()
        generations.withLock { $0.starting }?.agent.requestStop()
        agent.withLock { $0 }?.stop(timeout: timeout)
    }

    // MARK: Inputs

    private func agentDid(_ event: AgentEvent, generation: Int) {
        enum Role { case current, starting, stale }
        let role = generations.withLock { state -> Role in
            if generation == state.current { return .current }
            return state.starting?.generation == generation ? .starting : .stale
        }
        switch role {
        case .stale:
            return
        case .starting:
            replacementDid(event, generation: generation)
        case .current:
            onEvent(.agent(event))
            if case .started(let info) = event {
                feed(.agentStarted(info, at: .now()))
            } else {
                feed(.agentEvent(event, at: .now()))
            }
            switch event {
            case .responded: taskEnded()
            case .failed:
                generations.withLock { $0.currentFailed = true }
                taskEnded()
            default: break
            }
        }
    }

    /// A replacement's start: it takes over the seat, or fails and the running agent stays.
    private func replacementDid(_ event: AgentEvent, generation: Int) {
        switch event {
        case .started(let info):
            var rejoins = false
            let old = agent.withLock { current -> LocalAgent? in
                let old = current
                current = generations.withLock { state in
                    state.current = generation
                    rejoins = state.currentFailed
                    state.currentFailed = false
                    defer { state.starting = nil }
                    return state.starting?.agent
                }
                return old
            }
            old?.requestStop()
            onEvent(.swap(.swapped(info)))
            // A failed agent had left the arena: its replacement joins again; otherwise it takes the seat.
            feed(rejoins ? .agentStarted(info, at: .now()) : .agentReplaced(info))
        case .failed(let reason):
            generations.withLock { $0.starting = nil }
            onEvent(.swap(.failed(reason)))
        case .log, .output, .warning:
            // What the new build says while starting is worth seeing.
            onEvent(.agent(event))
        default:
            break
        }
    }

    /// The current task was answered: a swap that waited for it starts now.
    private func taskEnded() {
        let waiting = generations.withLock { state -> (binary: AgentBinary, config: AgentConfig)? in
            state.busyWith = nil
            defer { state.waiting = nil }
            return state.waiting
        }
        if let waiting { startReplacement(waiting.binary, waiting.config) }
    }

    /// One input through the session; its effects run in order, under the lock, so messages from the
    /// agent's thread, the socket and the clock never overtake each other.
    private func feed(_ input: ParticipantSession.Input) {
        session.withLock { session in
            for effect in session.handle(input) { run(effect) }
        }
    }

    private func run(_ effect: ParticipantSession.Effect) {
        switch effect {
        case .connect: connect()
        case .send(let message):
            link.send(message)
        case .close(let code, let reason):
            link.close(code: UInt16(code), reason: reason)
        case .runTask(let taskId, let description):
            generations.withLock { $0.busyWith = taskId }
            agent.withLock { $0 }?.submitTask(taskId: taskId, description: description)
        case .deliverPeerThought(let peerId, let taskId, let thought):
            agent.withLock { $0 }?.deliverPeerThought(peerId: peerId, taskId: taskId, thought: thought)
        case .note(let note):
            onEvent(.session(note))
        }
    }

    private func connect() {
        link.open(url, hub: hub) { [weak self] event in
            guard let self else { return }
            switch event {
            case .opened: self.feed(.connected(at: .now()))
            case .message(let message): self.feed(.frame(message, at: .now()))
            case .lost(let reason): self.feed(.disconnected(reason: reason, at: .now(), jitter: Double.random(in: 0..<1)))
            }
        }
    }
}

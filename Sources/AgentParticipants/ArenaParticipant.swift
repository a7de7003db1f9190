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

    public init(binary: AgentBinary, config: AgentConfig, llm: (any LLM)?, limits: SandboxLimits = SandboxLimits(),
                arena url: WebSocketURL, hub: WebSocketHub, agentId: String,
                onEvent: @escaping @Sendable (Event) -> Void) {
        self.agentId = agentId
        self.config = config
        self.url = url
        self.hub = hub
        self.onEvent = onEvent
        session = Mutex(ParticipantSession(agentId: agentId))
        let agent = LocalAgent(binary: binary, config: config, llm: llm, limits: limits) { [weak self] event in
            self?.agentDid(event)
        }
        self.agent.withLock { $0 = agent }
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
        agent.withLock { $0 }?.stop(timeout: timeout)
    }

    // MARK: Inputs

    private func agentDid(_ event: AgentEvent) {
        onEvent(.agent(event))
        if case .started(let info) = event {
            feed(.agentStarted(info, at: .now()))
        } else {
            feed(.agentEvent(event, at: .now()))
        }
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

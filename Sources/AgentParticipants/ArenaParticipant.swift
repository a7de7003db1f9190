import Agents
import ArenaProtocol
import Foundation
import Inference
import Synchronization
import WebSocketClient

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
    /// The open connection and the number of the attempt it belongs to; older attempts are ignored.
    private let link = Mutex<(generation: Int, connection: WebSocketConnection?)>((0, nil))
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
                self.feed(.tick(at: Self.nowMs()))
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

    public static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    // MARK: Inputs

    private func agentDid(_ event: AgentEvent) {
        onEvent(.agent(event))
        if case .started(let info) = event {
            feed(.agentStarted(info, at: Self.nowMs()))
        } else {
            feed(.agentEvent(event, at: Self.nowMs()))
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
            link.withLock { $0.connection }?.send(bytes: JSONCodec.encode(message))
        case .close(let code, let reason):
            link.withLock { state in
                state.connection?.close(code: UInt16(code), reason: reason)
                state = (state.generation + 1, nil)
            }
        case .runTask(let taskId, let description):
            agent.withLock { $0 }?.submitTask(taskId: taskId, description: description)
        case .deliverPeerThought(let peerId, let taskId, let thought):
            agent.withLock { $0 }?.deliverPeerThought(peerId: peerId, taskId: taskId, thought: thought)
        case .note(let note):
            onEvent(.session(note))
        }
    }

    private func connect() {
        let generation = link.withLock { state -> Int in
            state.connection?.close(code: 1001, reason: "reconnecting")
            state = (state.generation + 1, nil)
            return state.generation
        }
        let (url, hub) = (url, hub)
        Task.detached { [weak self] in
            do {
                let connection = try await WebSocketConnection.connect(to: "\(url)", hub: hub)
                guard let self else { return connection.close() }
                let isCurrent = self.link.withLock { state -> Bool in
                    guard state.generation == generation else { return false }
                    state.connection = connection
                    return true
                }
                guard isCurrent else { return connection.close() }
                self.feed(.connected(at: Self.nowMs()))
                for await event in connection.events {
                    guard self.link.withLock({ $0.generation }) == generation else { return }
                    switch event {
                    case .message(let bytes, _):
                        if case .object(let object)? = try? JSONCodec.decodeObject(bytes) {
                            self.feed(.frame(object, at: Self.nowMs()))
                        }
                    case .closed(let code, let reason):
                        let why = reason.isEmpty ? "closed (\(code))" : "closed (\(code) \(reason))"
                        self.feed(.disconnected(reason: why, at: Self.nowMs(), jitter: Double.random(in: 0..<1)))
                    }
                }
            } catch {
                guard let self, self.link.withLock({ $0.generation }) == generation else { return }
                let reason: String
                if case WebSocketError.connectFailed(_, let why)? = error as? WebSocketError { reason = why } else { reason = "\(error)" }
                self.feed(.disconnected(reason: reason, at: Self.nowMs(), jitter: Double.random(in: 0..<1)))
            }
        }
    }
}

import ArenaProtocol

/// The arena as a pure state machine: `handle(event)` updates the state and returns effects for the
/// shell to apply. No sockets, no clock, no randomness of its own.
public struct Relay: Sendable {
    public let config: RelayConfig
    /// When the relay started: uptime is measured on its monotonic clock.
    public let startedAt: Moment

    var sessions: [ConnectionID: Session] = [:]
    /// Registered agents in join order, and their roster entries by agentId.
    var agentConnections: [ConnectionID] = []
    var roster: [String: RosterEntry] = [:]
    /// Keyed by the lowercased agentId: UUIDs match case-insensitively, so "ABC…" is "abc…".
    var connectionOfAgent: [String: ConnectionID] = [:]
    var spectatorConnections: [ConnectionID] = []
    /// Slots are handed out 0, 1, 2… and never reused.
    var nextSlot = 0
    /// The most recent tasks, oldest first, with the exact bytes that were broadcast (replayed as is).
    var recentTasks: [(task: GlobalTaskPayload, message: [UInt8])] = []
    /// Recent thoughts and responses, oldest first, for spectators' snapshots.
    var history: RingBuffer<HistoryEntry>
    /// Monotonic ms, like every other time the relay keeps: deadlines must not move with the wall clock.
    var lastKeepaliveAt: Int64
    var random: SplitMix64
    /// Counters for `GET /metrics`; the shell adds what only it sees.
    public var metrics = ArenaMetrics()

    /// A thought or response kept for spectators, with the size it has on the wire.
    struct HistoryEntry: Sendable {
        let message: JSONValue
        let encodedSize: Int
    }

    public init(config: RelayConfig = RelayConfig(), startedAt: Moment, seed: UInt64) {
        self.config = config
        self.startedAt = startedAt
        lastKeepaliveAt = startedAt.monotonicMs
        random = SplitMix64(seed: seed)
        history = RingBuffer(capacity: config.historyLimit)
    }

    // MARK: Reading the state

    /// The registered agents, by slot (`GET /agents`, `connectedPeers`).
    public var agents: [RosterEntry] { agentConnections.compactMap(agentEntry(for:)) }
    public var agentCount: Int { agentConnections.count }
    public var spectatorCount: Int { spectatorConnections.count }
    /// Spectators with admin rights.
    public var adminCount: Int { spectatorConnections.filter { sessions[$0]?.role == .spectator(isAdmin: true) }.count }
    public var tasks: [GlobalTaskPayload] { recentTasks.map(\.task) }
    public var connectionCount: Int { sessions.count }

    func agentEntry(for connection: ConnectionID) -> RosterEntry? {
        guard case .agent(let id) = sessions[connection]?.role else { return nil }
        return roster[id]
    }

    /// Everybody who sees the conversation: agents, then spectators.
    var audience: [ConnectionID] { agentConnections + spectatorConnections }

    // MARK: Handling events

    public mutating func handle(_ event: RelayEvent) -> [RelayEffect] {
        switch event {
        case .opened(let connection, let secret, let now):
            metrics.connectionsOpened += 1
            sessions[connection] = Session(presentedSecret: secret, openedAt: now.monotonicMs)
            return []
        case .received(let bytes, let connection, let now):
            return receive(bytes, from: connection, at: now)
        case .closed(let connection, let now):
            var effects: [RelayEffect] = []
            if let session = sessions[connection], !session.isClosing {
                effects = forget(connection, reason: nil, at: now)
            }
            sessions[connection] = nil
            return effects
        case .tick(let now):
            return tick(at: now)
        case .readingResumed(let now):
            for connection in sessions.keys { sessions[connection]?.lastHeardAt = now.monotonicMs }
            return []
        case .shutdown(let now):
            return sessions.keys.sorted().compactMap { connection in
                guard sessions[connection]?.isClosing == false else { return nil }
                // Everybody leaves at once, so nobody is told; but the roster must empty, because a closing
                // session's own close event no longer forgets it.
                _ = forget(connection, reason: nil, at: now)
                sessions[connection]?.isClosing = true
                metrics.recordClosed(.goingAway)
                return .close(connection, code: .goingAway, reason: "Arena shutting down")
            }
        }
    }

    private mutating func receive(_ bytes: [UInt8], from connection: ConnectionID, at now: Moment) -> [RelayEffect] {
        guard let session = sessions[connection], !session.isClosing else { return [] }
        let message: JSONObject
        switch ProtocolValidation.parse(bytes) {
        case .failure(let failure):
            metrics.recordReceived(nil, bytes: bytes.count)
            return malformedFrame(failure, from: connection, at: now)
        case .success(let object):
            message = object
        }
        metrics.recordReceived(message["type"]?.stringValue.flatMap(MessageType.init(rawValue:)), bytes: bytes.count)
        sessions[connection]?.lastHeardAt = now.monotonicMs
        switch session.role {
        case .pending:
            return registerOrRefuse(message, from: connection, at: now)
        case .agent(let agentId):
            return agentMessage(message, from: connection, agentId: agentId, at: now)
        case .spectator(let isAdmin):
            return spectatorMessage(message, from: connection, isAdmin: isAdmin, at: now)
        }
    }

    /// Unparseable frames get a bare ARENA_ERROR and are not counted (as in the original), but a flood
    /// of them still closes the connection.
    private mutating func malformedFrame(_ failure: ValidationFailure, from connection: ConnectionID, at now: Moment) -> [RelayEffect] {
        metrics.recordRejected(.malformed)
        var effects: [RelayEffect] = [send(.arenaError, ServerMessages.bareError(failure.reason), to: [connection])]
        let count = sessions[connection]?.malformedFrames.record(at: now.monotonicMs, windowMs: config.errorWindowMs) ?? 0
        if count == 1 {
            effects.append(.log(.info, "\(connection): \(failure.reason)"))
        }
        if count > config.malformedFrameLimit {
            effects += close(connection, code: .policyViolation,
                             reason: "Too many malformed frames (\(count) in \(config.errorWindowMs / 1000)s)", at: now)
        }
        return effects
    }

    // MARK: Keepalive

    private mutating func tick(at now: Moment) -> [RelayEffect] {
        var effects: [RelayEffect] = []
        if now.monotonicMs - lastKeepaliveAt >= config.keepaliveIntervalMs {
            lastKeepaliveAt = now.monotonicMs
            let registered = audience
            if !registered.isEmpty {
                effects.append(send(.ping, ServerMessages.ping(ts: now.wallMs), to: registered))
            }
        }
        let idle = sessions
            .filter { !$0.value.isClosing && now.monotonicMs - $0.value.lastHeardAt >= config.idleTimeoutMs }
            .keys.sorted()
        for connection in idle {
            effects += close(connection, code: .goingAway, reason: "Idle timeout", at: now)
        }
        return effects
    }

    /// `message` for the recording, when there is one; nothing otherwise.
    func record(_ message: @autoclosure () -> [UInt8]) -> [RelayEffect] {
        config.recordsEvents ? [.record(message())] : []
    }

    /// A message to send, counted by type for `GET /metrics`.
    mutating func send(_ type: MessageType, _ message: [UInt8], to recipients: [ConnectionID]) -> RelayEffect {
        metrics.recordSent(type, bytes: message.count, recipients: recipients.count)
        return .send(message, to: recipients)
    }

    // MARK: Closing

    /// Closes a connection on the relay's own decision; an agent leaves the roster at once.
    mutating func close(_ connection: ConnectionID, code: CloseCode, reason: String, at now: Moment) -> [RelayEffect] {
        guard sessions[connection]?.isClosing == false else { return [] }
        metrics.recordClosed(code)
        var effects: [RelayEffect] = [
            .close(connection, code: code, reason: reason),
            .log(.info, "\(connection) closed (\(code)): \(reason)"),
        ]
        effects += forget(connection, reason: reason, at: now)
        sessions[connection]?.isClosing = true
        return effects
    }

    /// Takes a connection off the roster or the spectator list; the remaining ones hear of a leaving agent.
    private mutating func forget(_ connection: ConnectionID, reason: String?, at now: Moment) -> [RelayEffect] {
        guard let role = sessions[connection]?.role else { return [] }
        switch role {
        case .pending:
            return []
        case .spectator:
            spectatorConnections.removeAll { $0 == connection }
            return []
        case .agent(let agentId):
            let entry = roster[agentId]
            agentConnections.removeAll { $0 == connection }
            roster[agentId] = nil
            connectionOfAgent[agentId.lowercased()] = nil
            sessions[connection]?.role = .pending
            guard let entry else { return [] }
            var effects: [RelayEffect] = [.log(.info, "Agent disconnected: \(entry.name) (slot \(entry.slot))")]
            let remaining = audience
            let message = ServerMessages.agentDisconnect(
                agentId: agentId, name: entry.name, slot: entry.slot, reason: reason, ts: now.wallMs)
            if !remaining.isEmpty {
                effects.insert(send(.agentDisconnect, message, to: remaining), at: 0)
            }
            return effects + record(message)
        }
    }
}

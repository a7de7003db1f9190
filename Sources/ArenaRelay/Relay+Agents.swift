import ArenaProtocol

/// Agents: registration and the original protocol's messages.
extension Relay {
    /// A connection that has not answered a keepalive PING within this much after it was due is taken
    /// for dead when its agent reconnects.
    static let replacementGraceMs: Int64 = 10_000

    /// The first frames of a connection: PING, AGENT_CONNECT, or (our extension) SPECTATE.
    mutating func registerOrRefuse(
        _ message: JSONObject, from connection: ConnectionID, at now: Moment
    ) -> [RelayEffect] {
        let typeName = message["type"]?.stringValue
        if typeName == MessageType.ping.rawValue {
            return [send(.pong, ServerMessages.pong(ts: now.wallMs), to: [connection])]
        }
        if typeName == MessageType.spectate.rawValue {
            return startSpectating(message, from: connection, at: now)
        }
        guard typeName == MessageType.agentConnect.rawValue else {
            return refuse(connection, sending: "First message must be AGENT_CONNECT", closeReason: "Protocol violation", at: now)
        }
        let envelope: Envelope
        switch ProtocolValidation.validateEnvelope(message, lastSeq: nil, now: Double(now.wallMs)) {
        case .failure(let failure): return refuse(connection, sending: failure.reason, at: now)
        case .success(let valid): envelope = valid
        }
        let info: AgentConnectPayload
        switch ProtocolValidation.validatePayload(of: .agentConnect, in: message) {
        case .failure(let failure): return refuse(connection, sending: failure.reason, at: now)
        case .success(.connect(let valid)): info = valid
        case .success: return []  // validatePayload answers .connect for AGENT_CONNECT
        }
        // The original evicted the live agent and orphaned its socket; we refuse the newcomer instead,
        // unless the old connection has gone quiet: the original's participants reconnect with the same
        // id, and a half-open socket left by a network drop must not lock them out until it idles out.
        var effects: [RelayEffect] = []
        if let existing = connectionOfAgent[envelope.agentId.lowercased()] {
            let silentFor = now.monotonicMs - (sessions[existing]?.lastHeardAt ?? now.monotonicMs)
            guard silentFor > config.keepaliveIntervalMs + Self.replacementGraceMs else {
                return refuse(connection, sending: "Duplicate agentId: \(envelope.agentId) is already connected", at: now)
            }
            effects = close(existing, code: .goingAway, reason: "Replaced by a new connection (this one had gone quiet)", at: now)
        }
        return effects + register(connection, envelope: envelope, info: info, at: now)
    }

    private mutating func register(
        _ connection: ConnectionID, envelope: Envelope, info: AgentConnectPayload, at now: Moment
    ) -> [RelayEffect] {
        let entry = RosterEntry(
            agentId: envelope.agentId, slot: nextSlot, name: info.name, color: info.color,
            persona: info.persona, version: info.version, connectedAt: now.wallMs)
        nextSlot += 1
        sessions[connection]?.role = .agent(id: entry.agentId)
        sessions[connection]?.lastSeq = envelope.seq
        sessions[connection]?.errors = ErrorWindow(startedAt: now.monotonicMs)
        roster[entry.agentId] = entry
        connectionOfAgent[entry.agentId.lowercased()] = connection
        agentConnections.append(connection)

        var effects: [RelayEffect] = [
            send(.arenaAck, ServerMessages.ack(slot: entry.slot, connectedPeers: agentConnections.count, ts: now.wallMs), to: [connection]),
        ]
        // Late joiners catch up on the last tasks, oldest first, exactly as they were broadcast.
        for task in recentTasks.suffix(config.replayedTaskCount) {
            effects.append(send(.globalTask, task.message, to: [connection]))
        }
        if !spectatorConnections.isEmpty {
            effects.append(send(.agentJoin, ServerMessages.agentJoin(entry, ts: now.wallMs), to: spectatorConnections))
        }
        effects += record(ServerMessages.agentJoin(entry, ts: now.wallMs))
        effects.append(.log(.info, "Agent connected: \(entry.name) (slot \(entry.slot))"))
        return effects
    }

    /// Refuses a connection that has not registered: bare ARENA_ERROR, then close 1008.
    private mutating func refuse(
        _ connection: ConnectionID, sending reason: String, closeReason: String? = nil, at now: Moment
    ) -> [RelayEffect] {
        metrics.recordRejected(.refused)
        return [send(.arenaError, ServerMessages.bareError(reason), to: [connection])]
            + close(connection, code: .policyViolation, reason: closeReason ?? reason, at: now)
    }

    /// A frame from a registered agent.
    mutating func agentMessage(
        _ message: JSONObject, from connection: ConnectionID, agentId: String, at now: Moment
    ) -> [RelayEffect] {
        switch message["type"]?.stringValue {
        case MessageType.ping.rawValue: return [send(.pong, ServerMessages.pong(ts: now.wallMs), to: [connection])]
        case MessageType.pong.rawValue: return []
        default: break
        }
        let lastSeq = sessions[connection]?.lastSeq
        let envelope: Envelope
        switch ProtocolValidation.validateEnvelope(message, lastSeq: lastSeq, now: Double(now.wallMs)) {
        case .failure(let failure): return countError(failure.reason, from: connection, agentId: agentId, at: now)
        case .success(let valid): envelope = valid
        }
        // The original relayed whatever agentId an envelope claimed; we hold each socket to its own.
        guard envelope.agentId == agentId else {
            return countError("Invalid agentId: this connection belongs to \(agentId)", from: connection, agentId: agentId, at: now)
        }
        // A valid envelope consumes its seq even when the payload then fails (as in the original).
        sessions[connection]?.lastSeq = envelope.seq
        let payload: AgentPayload
        switch ProtocolValidation.validatePayload(of: envelope.type, in: message) {
        case .failure(let failure): return countError(failure.reason, from: connection, agentId: agentId, at: now)
        case .success(let valid): payload = valid
        }

        // What is relayed is the message as validated, encoded anew, never the sender's own bytes: a
        // browser's JSON.parse reads some texts differently from Foundation (a repeated key keeps its
        // last value there, its first here), and an agent must not smuggle anything past the checks.
        switch payload {
        case .thought(let thought):
            let encoded = remember(message)
            var effects: [RelayEffect] = [send(.agentThought, encoded, to: audience)]
            let peers = agentConnections.filter { $0 != connection }
            if !peers.isEmpty {
                effects.append(send(.peerThought, ServerMessages.peerThought(from: agentId, thought, ts: now.wallMs), to: peers))
            }
            return effects + record(encoded)
        case .response:
            let encoded = remember(message)
            return [send(.agentResponse, encoded, to: audience)] + record(encoded)
        case .unchecked(.globalTask):
            // The original broadcast and replayed tasks injected by any agent.
            return countError("GLOBAL_TASK: only the arena admin may issue tasks", from: connection, agentId: agentId, at: now)
        case .connect, .unchecked:
            // The original accepts and ignores the other server-side types; so do we.
            return [.log(.debug, "\(connection): ignored \(envelope.type.rawValue) from agent \(agentId)")]
        }
    }

    /// A counted error: full ARENA_ERROR, and past the limit within the window, close 1008.
    mutating func countError(_ reason: String, from connection: ConnectionID, agentId: String?, at now: Moment) -> [RelayEffect] {
        let count = sessions[connection]?.errors.record(at: now.monotonicMs, windowMs: config.errorWindowMs) ?? 0
        metrics.recordRejected(.invalid)
        var effects: [RelayEffect] = [
            send(.arenaError, agentId.map { ServerMessages.error(reason, targetAgentId: $0, ts: now.wallMs) } ?? ServerMessages.bareError(reason),
                 to: [connection]),
            .log(.info, "\(connection): \(reason)"),
        ]
        if count > config.errorLimit {
            effects += close(connection, code: .policyViolation,
                             reason: "Error rate exceeded (\(count) errors in \(config.errorWindowMs / 1000)s)", at: now)
        }
        return effects
    }

    /// Keeps a thought or response for spectators' snapshots; returns it encoded, as it is relayed.
    private mutating func remember(_ message: JSONObject) -> [UInt8] {
        let encoded = JSONCodec.encode(JSONValue.object(message))
        history.append(HistoryEntry(message: .object(message), encodedSize: encoded.count))
        return encoded
    }
}

import ArenaProtocol

/// The console's one decision function: an action changes the state and asks for effects.
public func reduce(_ state: inout State, _ action: Action) -> [Effect] {
    switch action {
    case .key(let key):
        return state.press(key)
    case .resize(let columns, let rows):
        state.size = TerminalSize(columns: max(1, columns), rows: max(1, rows))
        return []
    case .click(let row, let column):
        return state.click(row: row, column: column)
    case .tick(let now):
        return state.tick(now)
    case .connected(let now):
        return state.connected(at: now)
    case .disconnected(let reason, let now, let jitter):
        return state.disconnected(reason: reason, at: now, jitter: jitter)
    case .arena(let message, let now):
        state.advance(to: now)
        return state.receive(message)
    case .taskPosted(let outcome):
        state.report(outcome, of: "Task")
        return []
    case .kickPosted(let outcome):
        state.report(outcome, of: "Kick")
        return []
    case .clearPosted(let outcome):
        state.report(outcome, of: "Clear")
        return []
    case .rosterPolled(let entries):
        // The original Arena announces no joins; the poll does, once the first roster is known.
        state.replaceRoster(with: entries, announcingNewcomers: state.hasPolledRoster)
        state.hasPolledRoster = true
        return []
    case .localAgentAdded(let entry):
        state.addLocalAgent(entry)
        return []
    case .localAgent(let agentId, let activity):
        state.localAgent(agentId, did: activity)
        return []
    case .mobAttached(let mob):
        state.attach(mob)
        return []
    case .mobMemberAdded(let mob, let member):
        state.addMember(member, of: mob)
        return []
    case .mob(let event):
        state.receive(event)
        return []
    case .notice(let level, let text):
        // The shell's notices come at start-up (where the arena listens, a broken theme): they stay longer.
        state.notify(level, text, lifetimeMs: 3 * State.noticeLifetimeMs)
        return []
    }
}

extension State {
    static let noticeLifetimeMs: Int64 = 6000
    /// How often the console pings the arena to measure latency, and polls /agents on the original.
    static let pingIntervalMs: Int64 = 5000

    /// Time only moves forward: an action that was queued before the last tick does not turn it back.
    mutating func advance(to moment: Moment) {
        if moment.monotonicMs >= now.monotonicMs { now = moment }
    }

    mutating func notify(_ level: Notice.Level, _ text: String, lifetimeMs: Int64 = noticeLifetimeMs) {
        notices.append(Notice(level: level, text: text, expiresAt: now.monotonicMs + lifetimeMs))
        if notices.count > 5 { notices.removeFirst(notices.count - 5) }
    }

    /// When the next tick has something to do: a retry countdown to redraw, a notice to expire, a
    /// keepalive PING to send. Between those the console sleeps. Monotonic ms.
    public var nextTickAt: Int64 {
        let now = self.now.monotonicMs
        var deadlines: [Int64] = notices.map(\.expiresAt)
        switch connection {
        case .waiting(let until, _, _): deadlines += [until, now + 1000]  // the countdown changes every second
        case .connected:
            if let nextPingAt { deadlines.append(nextPingAt) }
            if let pingSentAt { deadlines.append(pingSentAt + Self.pongTimeoutMs + 1) }
        case .connecting: break
        }
        return deadlines.min() ?? now + 60_000
    }

    /// An arena that leaves a PING unanswered this long is taken for gone (a half-open connection after a
    /// network drop never closes by itself).
    static let pongTimeoutMs: Int64 = 15_000

    mutating func tick(_ time: Moment) -> [Effect] {
        advance(to: time)
        let monotonic = now.monotonicMs
        notices.removeAll { $0.expiresAt <= monotonic }
        var effects: [Effect] = []
        if case .waiting(let until, let attempt, _) = connection, monotonic >= until {
            connection = .connecting(attempt: attempt)
            effects.append(.connect)
        }
        guard case .connected = connection else { return effects }
        if let sent = pingSentAt, monotonic - sent > Self.pongTimeoutMs {
            notify(.warning, "The arena stopped answering; reconnecting")
            return effects + disconnected(reason: "no answer for \(Self.pongTimeoutMs / 1000) s", at: now, jitter: 0.5)
        }
        if monotonic >= nextPingAt ?? monotonic {
            nextPingAt = monotonic + Self.pingIntervalMs
            if pingSentAt == nil { pingSentAt = monotonic }
            effects.append(.send(["type": "PING", "ts": .number(Double(now.wallMs))]))
            if arenaKind == .original { effects.append(.pollRoster) }
        }
        return effects
    }

    mutating func connected(at time: Moment) -> [Effect] {
        advance(to: time)
        connection = .connected(since: now.monotonicMs)
        nextPingAt = now.monotonicMs + Self.pingIntervalMs
        pingSentAt = nil
        backoff.connectionOpened()
        switch arenaKind {
        case .original:
            // The original sends nothing to sockets that are not agents: register as an observer.
            observerSeq = 1
            let connect = observerEnvelope("AGENT_CONNECT", payload: [
                "name": "mowai console", "color": "#808080", "persona": "observer", "version": .string(Self.version),
            ])
            return [.send(connect), .pollRoster]
        case .mowai, .unknown:
            return [.send(["type": "SPECTATE", "ts": .number(Double(now.wallMs)), "payload": ["history": 300]])]
        }
    }

    /// Waits before the next attempt, as `ReconnectBackoff` decides for every client of an arena.
    mutating func disconnected(reason: String, at time: Moment, jitter: Double) -> [Effect] {
        advance(to: time)
        latencyMs = nil
        pingSentAt = nil
        nextPingAt = nil
        for index in roster.indices where roster[index].isOnline {
            roster[index].activity = .unknown
        }
        let delay = backoff.connectionLost(jitter: jitter)
        connection = .waiting(until: now.monotonicMs + delay, attempt: backoff.nextAttempt, reason: reason)
        return []
    }

    static let version = "0.1.0"

    /// An envelope from the console's observer agent (original Arena only).
    mutating func observerEnvelope(_ type: String, payload: JSONObject) -> JSONValue {
        defer { observerSeq += 1 }
        return [
            "type": .string(type), "agentId": .string(options.observerAgentId), "slot": 0,
            "seq": .number(Double(observerSeq)), "ts": .number(Double(now.wallMs)), "payload": .object(payload),
        ]
    }

    mutating func report(_ outcome: HTTPOutcome, of action: String) {
        switch outcome {
        case .accepted(let detail): notify(.success, "\(action) sent\(detail.isEmpty ? "" : ": \(detail)")")
        case .unauthorized: notify(.error, "\(action) refused: wrong or missing admin secret (MOWAI_ADMIN_SECRET)")
        case .rejected(let status, let error): notify(.error, "\(action) rejected (\(status)): \(error)")
        case .unreachable(let reason): notify(.error, "\(action) failed: arena unreachable (\(reason))")
        }
    }
}

import ArenaProtocol

/// Messages from the arena, decoded and bounded by `ArenaMessage` before they get here.
extension State {
    mutating func receive(_ message: ArenaMessage) -> [Effect] {
        switch message {
        case .ping:
            // The original closes agents that stay silent for 90 s; answer every PING.
            return [.send(["type": "PONG", "ts": .number(Double(now.wallMs))])]
        case .pong:
            if let sent = pingSentAt {
                latencyMs = Int(max(0, now.monotonicMs - sent))
                pingSentAt = nil
            }
        case .snapshot(let snapshot):
            arenaKind = .mowai
            backoff.connectionWorked()
            apply(snapshot)
        case .ack:
            backoff.connectionWorked()
            notify(.info, "Registered as an observer agent (the original Arena has no spectators)")
        case .agentJoined(let entry):
            join(entry)
        case .agentLeft(let left):
            leave(agentId: left.agentId, reason: left.reason)
        case .task(let task):
            show(TaskInfo(task))
        case .thought(let thought):
            record(.thought(thought))
        case .response(let response):
            record(.response(response))
        case .tasksCleared:
            taskHistory.removeAll()
            task = nil
            append(ChatLine(at: now.wallMs, kind: .system, author: "arena", text: "Task history cleared"))
        case .adminResult(let result):
            adminResult(result)
        case .error(let reason):
            return arenaError(reason)
        case .peerThought:
            // PEER_THOUGHT repeats AGENT_THOUGHT for agents (the console as an observer agent gets both).
            break
        case .unknown, .malformed:
            if let sentence = rejectedFrames.record(message) { notify(.warning, sentence.capitalizedFirst) }
        }
        return []
    }

    private mutating func arenaError(_ reason: String) -> [Effect] {
        // The original answers SPECTATE with this and closes: fall back to an observer agent.
        if arenaKind == .unknown && reason == "First message must be AGENT_CONNECT" {
            arenaKind = .original
            notify(.warning, "The arena does not support spectators (original Arena): joining as an observer agent")
            return []
        }
        notify(.error, "Arena: \(Sanitized.text(reason))")
        return []
    }

    private mutating func adminResult(_ result: AdminResult) {
        if result.succeeded {
            notify(.success, result.action == "auth" ? "Authenticated as admin" : "\(result.action.capitalized) done")
        } else {
            notify(.error, "\(result.action.capitalized) failed: \(Sanitized.text(result.error ?? "unknown error"))")
        }
    }

    // MARK: Roster

    mutating func apply(_ snapshot: ArenaSnapshot) {
        replaceRoster(with: snapshot.agents)
        for task in snapshot.tasks { show(TaskInfo(task)) }
        for post in snapshot.history { record(post) }
        if snapshot.isAdmin == false && options.isAdmin {
            notify(.warning, "The arena did not accept the admin secret: admin commands will fail")
        }
    }

    /// The roster as the arena knows it now; agents no longer listed are marked as gone.
    mutating func replaceRoster(with entries: [RosterEntry], announcingNewcomers: Bool = false) {
        let listed = Set(entries.map(\.agentId))
        for index in roster.indices where !listed.contains(roster[index].agentId) && roster[index].isOnline {
            if announcingNewcomers {
                leave(agentId: roster[index].agentId, reason: nil)
            } else {
                roster[index].isOnline = false
                roster[index].activity = .left
            }
        }
        for entry in entries {
            let isNew = agent(entry.agentId)?.isOnline != true
            join(entry, announce: announcingNewcomers && isNew)
        }
    }

    mutating func join(_ entry: RosterEntry, announce: Bool = true) {
        // On the original Arena the console is itself an agent: it does not list itself.
        guard entry.agentId != options.observerAgentId else { return }
        let sanitized = Self.sanitized(entry)
        if let index = roster.firstIndex(where: { $0.agentId == entry.agentId }) {
            let wasOnline = roster[index].isOnline
            roster[index] = AgentRow(sanitized)
            if wasOnline { return }
        } else {
            // An arena inventing agents without end must not grow the console without end.
            guard roster.count < Self.rosterLimit else {
                if !isRosterFull { notify(.warning, "More than \(Self.rosterLimit) agents: newcomers are not listed") }
                isRosterFull = true
                return
            }
            roster.append(AgentRow(sanitized))
            roster.sort { $0.slot < $1.slot }
        }
        if announce {
            append(ChatLine(at: now.wallMs, kind: .joined, agentId: entry.agentId, author: sanitized.name,
                            text: "joined as \(sanitized.persona.isEmpty ? "an agent" : sanitized.persona)"))
        }
    }

    static let rosterLimit = ProtocolLimits.maxRosterEntries

    /// Agents who left stay listed (their consoles readable) up to this many; the oldest go first, so an
    /// arena cycling through endless agent ids cannot grow the console without bound.
    static let offlineRowLimit = 200

    mutating func leave(agentId: String, reason: String?) {
        guard let index = roster.firstIndex(where: { $0.agentId == agentId }), roster[index].isOnline else { return }
        roster[index].isOnline = false
        // A local agent that failed says so, not just that it left.
        if roster[index].activity != .failed || !localAgentIds.contains(agentId) { roster[index].activity = .left }
        defer { forgetOldestOfflineAgents() }
        let why = reason.map { " (\(Sanitized.text($0)))" } ?? ""
        append(ChatLine(at: now.wallMs, kind: .left, agentId: agentId, author: roster[index].name, text: "left\(why)"))
    }

    /// Someone reading back in a pane keeps seeing the same messages while new ones arrive below.
    mutating func keepScrolledPosition(of pane: Pane, lines: Int) {
        guard let back = scrollback[pane], back > 0 else { return }
        scrollback[pane] = min(back + 1, max(0, lines - 1))
    }

    mutating func forgetOldestOfflineAgents() {
        let offline = roster.filter { !$0.isOnline }
        guard offline.count > Self.offlineRowLimit else { return }
        let forgotten = Set(offline.sorted { ($0.lastActivity ?? 0) < ($1.lastActivity ?? 0) }
            .prefix(offline.count - Self.offlineRowLimit).map(\.agentId))
        let selected = selectedAgentId
        roster.removeAll { forgotten.contains($0.agentId) }
        for agentId in forgotten { consoles[agentId] = nil }
        if let selected, forgotten.contains(selected) { selectedAgentId = nil }
        rosterCursor = min(rosterCursor, max(0, roster.count - 1))
    }

    // MARK: Conversation

    mutating func show(_ task: TaskInfo) {
        guard !taskHistory.contains(where: { $0.taskId == task.taskId }), seenTaskIds.insert(task.taskId) else { return }
        self.task = task
        taskHistory.append(task)
        if taskHistory.count > 50 { taskHistory.removeFirst(taskHistory.count - 50) }
        append(ChatLine(at: task.issuedAt, kind: .task, author: "task", text: task.description, taskId: task.taskId))
        for index in roster.indices where roster[index].isOnline { roster[index].activity = .idle }
    }

    /// A thought or response, live or replayed from a snapshot (shown once either way).
    mutating func record(_ post: AgentPost) {
        let agentId: String, key: String, at: Int64, taskId: String, text: String
        let kind: ChatLine.Kind
        let activity: AgentActivity
        switch post {
        case .thought(let thought):
            (agentId, at, taskId, text) = (thought.agentId, thought.ts, thought.taskId, thought.content)
            key = "\(agentId):\(thought.seq):\(thought.ts)"
            kind = .thought(step: thought.step)
            activity = .thinking(step: thought.step)
        case .response(let response):
            (agentId, at, taskId, text) = (response.agentId, response.ts, response.taskId, response.content)
            key = "\(agentId):\(response.seq):\(response.ts)"
            kind = .response(durationMs: response.durationMs)
            activity = .answered
        }
        // Replays reach back 300 messages: remembering the last 5 000 is plenty, and stays bounded.
        guard seenMessageKeys.insert(key) else { return }

        let author = agent(agentId)?.name ?? String(agentId.prefix(8))
        if let index = roster.firstIndex(where: { $0.agentId == agentId }) {
            roster[index].lastActivity = at
            roster[index].activity = activity
        }
        let line = ChatLine(at: at, kind: kind, agentId: agentId, author: author, text: Sanitized.text(text), taskId: taskId)
        append(line)
        consoles[agentId, default: BoundedLog(capacity: options.consoleCapacity)].append(line)
        if agentId == selectedAgentId { keepScrolledPosition(of: .console, lines: selectedConsole.visible.count) }
    }

    mutating func append(_ line: ChatLine) {
        chat.append(line)
        keepScrolledPosition(of: .chat, lines: chat.visible.count)
    }

    /// Names and personas come from strangers: no control characters, and a bounded length.
    static func sanitized(_ entry: RosterEntry) -> RosterEntry {
        var clean = entry
        clean.name = Sanitized.text(entry.name, limit: 64)
        clean.persona = Sanitized.text(entry.persona, limit: 64)
        clean.color = Sanitized.text(entry.color, limit: 32)
        clean.version = Sanitized.text(entry.version, limit: 32)
        return clean
    }
}

extension TaskInfo {
    init(_ task: GlobalTaskPayload) {
        self.init(taskId: task.taskId, description: Sanitized.text(task.description), issuedAt: task.issuedAt)
    }
}

extension String {
    /// "ignored a frame" → "Ignored a frame": notices start with a capital.
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

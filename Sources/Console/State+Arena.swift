import ArenaProtocol

/// Messages from the arena.
extension State {
    mutating func receive(_ message: JSONObject) -> [Effect] {
        let payload = message["payload"]?.objectValue ?? [:]
        switch message["type"]?.stringValue {
        case "PING"?:
            // The original closes agents that stay silent for 90 s; answer every PING.
            return [.send(["type": "PONG", "ts": .number(Double(now))])]
        case "PONG"?:
            if let sent = pingSentAt {
                latencyMs = Int(max(0, now - sent))
                pingSentAt = nil
            }
            return []
        case "ARENA_SNAPSHOT"?:
            arenaKind = .mowai
            isConnectionHealthy = true
            applySnapshot(payload)
        case "ARENA_ACK"?:
            isConnectionHealthy = true
            notify(.info, "Registered as an observer agent (the original Arena has no spectators)")
        case "AGENT_JOIN"?:
            if let entry = Self.rosterEntry(payload, agentId: message["agentId"]?.stringValue) { join(entry) }
        case "AGENT_DISCONNECT"?:
            leave(agentId: message["agentId"]?.stringValue ?? "", reason: payload["reason"]?.stringValue)
        case "GLOBAL_TASK"?:
            if let task = Self.task(payload) { show(task) }
        case "AGENT_THOUGHT"?, "AGENT_RESPONSE"?:
            record(message)
        case "TASKS_CLEARED"?:
            taskHistory.removeAll()
            task = nil
            append(ChatLine(at: now, kind: .system, author: "arena", text: "Task history cleared"))
        case "ADMIN_RESULT"?:
            adminResult(payload)
        case "ARENA_ERROR"?:
            return arenaError(payload["reason"]?.stringValue ?? "unknown error")
        default:
            // PEER_THOUGHT repeats AGENT_THOUGHT for agents; unknown types are someone else's extension.
            break
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

    private mutating func adminResult(_ payload: JSONObject) {
        let action = payload["action"]?.stringValue ?? "admin"
        if payload["ok"] == .bool(true) {
            notify(.success, action == "auth" ? "Authenticated as admin" : "\(action.capitalized) done")
        } else {
            notify(.error, "\(action.capitalized) failed: \(Sanitized.text(payload["error"]?.stringValue ?? "unknown error"))")
        }
    }

    // MARK: Roster

    mutating func applySnapshot(_ payload: JSONObject) {
        let entries = (payload["agents"]?.arrayValue ?? []).compactMap { Self.rosterEntry($0.objectValue ?? [:], agentId: nil) }
        replaceRoster(with: entries)
        for task in (payload["tasks"]?.arrayValue ?? []).compactMap({ Self.task($0.objectValue ?? [:]) }) {
            show(task)
        }
        for message in payload["history"]?.arrayValue ?? [] {
            if let object = message.objectValue { record(object) }
        }
        if payload["admin"] == .bool(false) && options.isAdmin {
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
                roster[index].activity = "left"
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
            roster.append(AgentRow(sanitized))
            roster.sort { $0.slot < $1.slot }
        }
        if announce {
            append(ChatLine(at: now, kind: .joined, agentId: entry.agentId, author: sanitized.name,
                            text: "joined as \(sanitized.persona.isEmpty ? "an agent" : sanitized.persona)"))
        }
    }

    /// Agents who left stay listed (their consoles readable) up to this many; the oldest go first, so an
    /// arena cycling through endless agent ids cannot grow the console without bound.
    static let offlineRowLimit = 200

    mutating func leave(agentId: String, reason: String?) {
        guard let index = roster.firstIndex(where: { $0.agentId == agentId }), roster[index].isOnline else { return }
        roster[index].isOnline = false
        // A local agent that failed says so, not just that it left.
        if roster[index].activity != "failed" || !localAgentIds.contains(agentId) { roster[index].activity = "left" }
        defer { forgetOldestOfflineAgents() }
        let why = reason.map { " (\(Sanitized.text($0)))" } ?? ""
        append(ChatLine(at: now, kind: .left, agentId: agentId, author: roster[index].name, text: "left\(why)"))
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
        guard !taskHistory.contains(where: { $0.taskId == task.taskId }), seenTaskIds.insert(task.taskId).inserted else { return }
        self.task = task
        taskHistory.append(task)
        if taskHistory.count > 50 { taskHistory.removeFirst(taskHistory.count - 50) }
        append(ChatLine(at: task.issuedAt, kind: .task, author: "task", text: task.description, taskId: task.taskId))
        for index in roster.indices where roster[index].isOnline { roster[index].activity = "idle" }
    }

    /// A thought or response, live or replayed from a snapshot (shown once either way).
    mutating func record(_ message: JSONObject) {
        guard let agentId = message["agentId"]?.stringValue else { return }
        let payload = message["payload"]?.objectValue ?? [:]
        let key = "\(agentId):\(JavaScript.templateString(message["seq"])):\(JavaScript.templateString(message["ts"]))"
        guard seenMessageKeys.insert(key).inserted else { return }
        // Replays reach back 300 messages: remembering the last 5 000 is plenty, and stays bounded.
        seenMessageOrder.append(key)
        if seenMessageOrder.count > 5000 {
            seenMessageKeys.remove(seenMessageOrder.removeFirst())
        }

        let at = message["ts"]?.numberValue.map { Int64($0.clamped(to: -1e15...1e15)) } ?? now
        let text = Sanitized.text(payload["content"]?.stringValue ?? "")
        let taskId = payload["taskId"]?.stringValue
        let author = agent(agentId)?.name ?? String(agentId.prefix(8))
        let kind: ChatLine.Kind
        let activity: String
        if message["type"] == .string("AGENT_RESPONSE") {
            // Any non-negative number passes the arenas' validation, 1e300 included: keep it displayable.
            let duration = payload["durationMs"]?.numberValue.map { $0.clamped(to: 0...1e12) } ?? 0
            kind = .response(durationMs: duration)
            activity = "answered"
        } else {
            let step = payload["step"]?.numberValue.map { Int($0.clamped(to: 0...1e9)) } ?? 0
            kind = .thought(step: step)
            activity = "thinking (step \(step))"
        }
        if let index = roster.firstIndex(where: { $0.agentId == agentId }) {
            roster[index].lastActivity = at
            roster[index].activity = activity
        }
        let line = ChatLine(at: at, kind: kind, agentId: agentId, author: author, text: text, taskId: taskId)
        append(line)
        consoles[agentId, default: BoundedLog(capacity: options.consoleCapacity)].append(line)
        if agentId == selectedAgentId { keepScrolledPosition(of: .console, lines: selectedConsole.visible.count) }
    }

    mutating func append(_ line: ChatLine) {
        chat.append(line)
        keepScrolledPosition(of: .chat, lines: chat.visible.count)
    }

    // MARK: Decoding

    static func rosterEntry(_ object: JSONObject, agentId: String?) -> RosterEntry? {
        guard let id = object["agentId"]?.stringValue ?? agentId else { return nil }
        return RosterEntry(
            agentId: id, slot: object["slot"]?.numberValue.map { Int($0.clamped(to: 0...1e9)) } ?? 0,
            name: object["name"]?.stringValue ?? "", color: object["color"]?.stringValue ?? "",
            persona: object["persona"]?.stringValue ?? "", version: object["version"]?.stringValue ?? "",
            connectedAt: object["connectedAt"]?.numberValue.map { Int64($0.clamped(to: 0...1e15)) } ?? 0)
    }

    static func task(_ object: JSONObject) -> TaskInfo? {
        guard let taskId = object["taskId"]?.stringValue, let description = object["description"]?.stringValue else { return nil }
        let issuedAt = object["issuedAt"]?.numberValue.map { Int64($0.clamped(to: 0...1e15)) } ?? 0
        return TaskInfo(taskId: taskId, description: Sanitized.text(description), issuedAt: issuedAt)
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

extension Double {
    func clamped(to range: ClosedRange<Double>) -> Double {
        guard !isNaN else { return range.lowerBound }
        return Swift.min(Swift.max(self, range.lowerBound), range.upperBound)
    }
}

import ArenaProtocol

/// Spectators and admins: mowai's extension (docs/PROTOCOL.md). Agents of the original never see it.
extension Relay {
    mutating func startSpectating(_ message: JSONObject, from connection: ConnectionID, at now: Moment) -> [RelayEffect] {
        let payload = message["payload"]?.objectValue ?? [:]
        let requested = payload["history"]?.numberValue.map { Int(max(0, min($0, Double(config.historyLimit)))) }
        let presented = sessions[connection]?.presentedSecret
        let isAdmin = presented != nil && config.adminSecret?.matches(presented) == true
        sessions[connection]?.role = .spectator(isAdmin: isAdmin)
        spectatorConnections.append(connection)

        var effects: [RelayEffect] = [
            send(.arenaSnapshot, ServerMessages.snapshot(
                roster: agents, tasks: tasks, history: snapshotHistory(count: requested ?? config.historyLimit),
                spectators: spectatorConnections.count, isAdmin: isAdmin, ts: now.wallMs), to: [connection]),
            .log(.info, "\(connection): spectator joined\(isAdmin ? " (admin)" : "")"),
        ]
        if presented != nil && !isAdmin {
            effects += countError(adminRefusal, from: connection, agentId: nil, at: now)
        }
        return effects
    }

    /// The newest `count` thoughts and responses that fit in the snapshot's byte budget, oldest first.
    func snapshotHistory(count: Int) -> [JSONValue] {
        var budget = config.snapshotHistoryBytes
        var newestFirst: [JSONValue] = []
        for entry in history.suffix(count).reversed() {
            budget -= entry.encodedSize + 1
            if budget < 0 { break }
            newestFirst.append(entry.message)
        }
        return newestFirst.reversed()
    }

    mutating func spectatorMessage(_ message: JSONObject, from connection: ConnectionID, isAdmin: Bool, at now: Moment) -> [RelayEffect] {
        guard let name = message["type"]?.stringValue, let type = MessageType(rawValue: name),
              MessageType.fromSpectators.contains(type) else {
            return countError(
                "Unknown message type for a spectator: \(JavaScript.templateString(message["type"])) "
                    + "(allowed: PING, PONG, ADMIN_AUTH, ADMIN_TASK, ADMIN_KICK, ADMIN_CLEAR_TASKS)",
                from: connection, agentId: nil, at: now)
        }
        let payload = message["payload"]?.objectValue ?? [:]
        switch type {
        case .ping:
            return [send(.pong, ServerMessages.pong(ts: now.wallMs), to: [connection])]
        case .adminAuth:
            guard config.adminSecret?.matches(payload["secret"]?.stringValue) == true else {
                return countError(adminRefusal, from: connection, agentId: nil, at: now)
            }
            sessions[connection]?.role = .spectator(isAdmin: true)
            return [
                send(.adminResult, ServerMessages.adminResult(action: "auth", outcome: ["ok": .bool(true)], ts: now.wallMs), to: [connection]),
                .log(.info, "\(connection): authenticated as admin"),
            ]
        case .adminTask, .adminKick, .adminClearTasks:
            guard isAdmin else {
                return countError("\(type.rawValue): not authenticated; send ADMIN_AUTH with the admin secret first",
                                  from: connection, agentId: nil, at: now)
            }
            return adminAction(type, payload: payload, from: connection, at: now)
        default:
            return []
        }
    }

    private var adminRefusal: String {
        config.adminSecret == nil
            ? "Admin authentication failed: this arena has no admin secret (start it with MOWAI_ADMIN_SECRET set)"
            : "Admin authentication failed: wrong secret"
    }

    private mutating func adminAction(_ type: MessageType, payload: JSONObject, from connection: ConnectionID, at now: Moment) -> [RelayEffect] {
        let action: String
        let outcome: AdminOutcome
        switch type {
        case .adminTask:
            action = "task"
            outcome = issueTask(description: payload["description"], at: now)
        case .adminKick:
            action = "kick"
            outcome = kick(agentId: payload["agentId"]?.stringValue ?? "", reason: payload["reason"]?.stringValue, at: now)
        default:
            action = "clear-tasks"
            outcome = clearTasks(at: now)
        }
        return outcome.effects + [send(.adminResult, ServerMessages.adminResult(action: action, outcome: outcome.result, ts: now.wallMs), to: [connection])]
    }
}

/// The result of an admin action, whether it came over HTTP or from an admin spectator.
public struct AdminOutcome: Sendable {
    public let result: JSONObject
    public let effects: [RelayEffect]
    public var succeeded: Bool { result["ok"] == .bool(true) }

    static func failure(_ error: String) -> AdminOutcome {
        AdminOutcome(result: ["ok": .bool(false), "error": .string(error)], effects: [])
    }
}

/// Admin actions, shared by `POST /task`, `POST /kick`, `POST /clear-tasks` and admin spectators.
extension Relay {
    /// Broadcasts a task to everybody and keeps it for replay. The description is cut to 512 UTF-16 units.
    public mutating func issueTask(description: JSONValue?, at now: Moment) -> AdminOutcome {
        guard let text = description?.stringValue, !text.isBlank else {
            return .failure("description is required")
        }
        let task = GlobalTaskPayload(
            taskId: UUIDv4.make(using: &random),
            description: text.javaScriptPrefix(ProtocolLimits.maxTaskDescriptionLength),
            issuedAt: now.wallMs)
        let message = ServerMessages.globalTask(task, ts: now.wallMs)
        metrics.tasksIssued += 1
        recentTasks.append((task, message))
        if recentTasks.count > config.replayedTaskCount {
            recentTasks.removeFirst(recentTasks.count - config.replayedTaskCount)
        }
        var effects: [RelayEffect] = [.log(.info, "Task \(task.taskId) issued: \(task.description.javaScriptPrefix(80))")]
        if !audience.isEmpty {
            effects.insert(send(.globalTask, message, to: audience), at: 0)
        }
        effects += record(message)
        return AdminOutcome(result: ["ok": .bool(true), "taskId": .string(task.taskId)], effects: effects)
    }

    /// Closes an agent with a clear reason; everybody sees it leave.
    public mutating func kick(agentId: String, reason: String?, at now: Moment) -> AdminOutcome {
        guard !agentId.isEmpty else { return .failure("agentId is required") }
        guard let connection = connectionOfAgent[agentId.lowercased()] else {
            return .failure("No agent with id \(agentId) is connected")
        }
        // Capped: the reason travels in a close frame (123 bytes) and to every client.
        let why = reason.flatMap { $0.isBlank ? nil : $0.utf8Prefix(maxBytes: 100) }.map { "Kicked by admin: \($0)" } ?? "Kicked by admin"
        let effects = [send(.arenaError, ServerMessages.error(why, targetAgentId: agentId, ts: now.wallMs), to: [connection])]
            + close(connection, code: .policyViolation, reason: why, at: now)
        return AdminOutcome(result: ["ok": .bool(true), "agentId": .string(agentId)], effects: effects)
    }

    /// Forgets the tasks kept for replay; spectators are told so.
    public mutating func clearTasks(at now: Moment) -> AdminOutcome {
        let count = recentTasks.count
        recentTasks.removeAll()
        var effects: [RelayEffect] = [.log(.info, "Task history cleared (\(count) tasks)")]
        if !spectatorConnections.isEmpty {
            effects.insert(send(.tasksCleared, ServerMessages.tasksCleared(count: count, ts: now.wallMs), to: spectatorConnections), at: 0)
        }
        effects += record(ServerMessages.tasksCleared(count: count, ts: now.wallMs))
        return AdminOutcome(result: ["ok": .bool(true), "cleared": .number(Double(count))], effects: effects)
    }
}

extension String {
    /// JavaScript's `!s.trim()`: nothing but white space and line terminators.
    var isBlank: Bool {
        unicodeScalars.allSatisfy { $0.properties.isWhitespace || $0 == "\u{FEFF}" }
    }
}

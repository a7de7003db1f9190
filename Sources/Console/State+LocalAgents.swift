import ArenaProtocol

/// Agents hosted by this console: their consoles hear more than the arena tells (logs, lifecycle, the
/// model's text as it streams).
extension State {
    mutating func addLocalAgent(_ entry: RosterEntry) {
        localAgentIds.insert(entry.agentId)
        guard agent(entry.agentId) == nil else { return }
        var row = AgentRow(Self.sanitized(entry))
        row.isOnline = false
        row.activity = .starting
        roster.append(row)
    }

    mutating func localAgent(_ agentId: String, did activity: LocalActivity) {
        guard localAgentIds.contains(agentId) else { return }
        let name = agent(agentId)?.name ?? String(agentId.prefix(8))
        switch activity {
        case .modelText(let piece):
            let text = Sanitized.text(piece)
            if streamingAgentIds.contains(agentId) {
                // A runaway stream stops growing the line (the answer itself still arrives whole).
                consoles[agentId]?.updateLast { line in if line.text.count < 4096 { line.text += text } }
                return
            }
            streamingAgentIds.insert(agentId)
            appendToConsole(agentId, ChatLine(at: now.wallMs, kind: .log(level: .model), agentId: agentId, author: name, text: text))
            return
        case .lifecycle(let text, let status):
            setActivity(of: agentId, to: status)
            appendToConsole(agentId, ChatLine(at: now.wallMs, kind: .log(level: .agent), agentId: agentId, author: name, text: Sanitized.text(text)))
        case .log(let level, let text):
            appendToConsole(agentId, ChatLine(at: now.wallMs, kind: .log(level: level), agentId: agentId,
                                              author: name, text: Sanitized.text(text)))
        case .failed(let reason):
            setActivity(of: agentId, to: .failed)
            appendToConsole(agentId, ChatLine(at: now.wallMs, kind: .log(level: .error), agentId: agentId, author: name,
                                              text: "failed: \(Sanitized.text(reason))"))
            notify(.error, "\(name) failed: \(Sanitized.text(reason, limit: 120))")
        }
        streamingAgentIds.remove(agentId)
    }

    private mutating func setActivity(of agentId: String, to activity: AgentActivity) {
        guard let index = roster.firstIndex(where: { $0.agentId == agentId }) else { return }
        roster[index].activity = activity
        roster[index].lastActivity = now.wallMs
    }

    private mutating func appendToConsole(_ agentId: String, _ line: ChatLine) {
        consoles[agentId, default: BoundedLog(capacity: options.consoleCapacity)].append(line)
        if agentId == selectedAgentId { keepScrolledPosition(of: .console, lines: selectedConsole.visible.count) }
    }
}

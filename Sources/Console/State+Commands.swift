/// Commands typed in the input line: `/task`, `/kick`, `/clear`, `/grid`, `/help`, `/quit`.
extension State {
    public static let commandHelp: [(command: String, meaning: String)] = [
        ("/task <description>", "broadcast a task to every agent (admin)"),
        ("/kick <name or slot>", "close an agent's connection (admin, mowai arena)"),
        ("/clear", "forget the tasks replayed to late joiners (admin, mowai arena)"),
        ("/grid", "show every agent's console at once, or one"),
        ("/help", "this help"),
        ("/quit", "leave (also q, Ctrl-C)"),
    ]

    mutating func run(command line: String) -> [Effect] {
        let trimmed = line.drop(while: { $0 == "/" })
        let name = trimmed.prefix { !$0.isWhitespace }.lowercased()
        let argument = trimmed.dropFirst(name.count).trimmingWhitespace()
        switch name {
        case "help":
            showsHelp = true
        case "quit", "q":
            isQuitting = true
            return [.quit]
        case "grid":
            showsConsoleGrid.toggle()
        case "task":
            guard requireAdmin() else { return [] }
            guard !argument.isEmpty else {
                notify(.warning, "Usage: /task <description>")
                return []
            }
            notify(.info, "Sending task…")
            return [.postTask(description: argument)]
        case "kick":
            guard requireAdmin(), requireMowaiArena("kick") else { return [] }
            guard let agent = resolveAgent(argument) else { return [] }
            notify(.info, "Kicking \(agent.name)…")
            return [.postKick(agentId: agent.agentId, reason: nil)]
        case "clear":
            guard requireAdmin(), requireMowaiArena("clear") else { return [] }
            return [.postClearTasks]
        case "":
            break
        default:
            notify(.warning, "Unknown command /\(name) — /help lists the commands")
        }
        return []
    }

    private mutating func requireAdmin() -> Bool {
        guard options.isAdmin else {
            notify(.error, "Admin commands need --admin and the secret in MOWAI_ADMIN_SECRET or --admin-secret-file")
            return false
        }
        return true
    }

    private mutating func requireMowaiArena(_ command: String) -> Bool {
        guard arenaKind != .original else {
            notify(.error, "The original Arena has no /\(command); only /task works there")
            return false
        }
        return true
    }

    /// An agent by slot number or by name (case-insensitive); says why when none or several match.
    private mutating func resolveAgent(_ text: String) -> AgentRow? {
        guard !text.isEmpty else {
            notify(.warning, "Usage: /kick <name or slot>")
            return nil
        }
        let online = onlineAgents
        if let slot = Int(text), let agent = online.first(where: { $0.slot == slot }) { return agent }
        let matches = online.filter { $0.name.lowercased() == text.lowercased() }
        switch matches.count {
        case 1: return matches[0]
        case 0: notify(.error, "No agent named or numbered \(text)")
        default: notify(.error, "\(matches.count) agents are named \(text): use the slot number")
        }
        return nil
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}

import Mob

/// Commands typed in the input line: `/task`, `/kick`, `/clear`, the mob commands, `/grid`, `/help`, `/quit`.
extension State {
    public static let commandHelp: [(command: String, meaning: String)] = [
        ("/task <description>", "broadcast a task to every agent (admin)"),
        ("/kick <name or slot>", "close an agent's connection (admin, mowai arena)"),
        ("/clear", "forget the tasks replayed to late joiners (admin, mowai arena)"),
        ("/grid", "show every agent's console at once, or one"),
        ("/help", "this help"),
        ("/quit", "leave (also q, Ctrl-C)"),
    ]

    /// The commands of the mobs this console hosts (listed in the help when it hosts one).
    public static let mobCommandHelp: [(command: String, meaning: String)] = [
        ("/flow <id> [text|k=v…]", "run a mob's flow (text is params.task)"),
        ("/send <member> <text>", "give a member work, after what it has"),
        ("/steer <member> <text>", "give a member work, next"),
        ("/spawn <profile> [id]", "add a member to a mob"),
        ("/retire <member>", "stop a member"),
        ("/wire, /unwire <a> <b>", "let two members hear each other, or not"),
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
        case "flow":
            return runFlow(argument)
        case "send", "steer":
            return send(argument, mode: name == "steer" ? .steer : .queue)
        case "spawn":
            return spawn(argument)
        case "retire":
            guard requireMobs(), let member = resolveMember(argument) ?? usage("/retire <member>", when: argument.isEmpty) else { return [] }
            return [.mob(.retire(mob: member.mob, member: member.member))]
        case "wire", "unwire":
            guard requireMobs() else { return [] }
            let names = argument.split(separator: " ").map(String.init)
            guard names.count == 2 else {
                notify(.warning, "Usage: /\(name) <member> <member>")
                return []
            }
            guard let a = resolveMember(names[0]), let b = resolveMember(names[1]) else { return [] }
            return [.mob(name == "wire" ? .wire(a, b) : .unwire(a, b))]
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

// MARK: Mob commands

extension State {
    private mutating func requireMobs() -> Bool {
        guard !mobs.isEmpty else {
            notify(.error, "No mob runs in this console (start one with --mob FILE, or run mowai tui alone)")
            return false
        }
        return true
    }

    private mutating func usage(_ text: String, when missing: Bool) -> MemberRef? {
        if missing { notify(.warning, "Usage: \(text)") }
        return nil
    }

    /// `/flow ID text…` runs the flow with params.task = text; `/flow ID key=value…` with those params.
    private mutating func runFlow(_ argument: String) -> [Effect] {
        guard requireMobs() else { return [] }
        let flowId = String(argument.prefix { !$0.isWhitespace })
        let rest = Substring(argument.dropFirst(flowId.count)).trimmingWhitespace()
        guard !flowId.isEmpty else {
            let flows = mobs.flatMap { mob in mob.flows.map(\.id) }
            notify(.warning, "Usage: /flow <id> [text | key=value…] (flows: \(flows.joined(separator: ", ")))")
            return []
        }
        guard let mob = mobs.first(where: { $0.flow(flowId) != nil }) else {
            let flows = mobs.flatMap { mob in mob.flows.map(\.id) }
            notify(.error, "No flow \(flowId) (flows: \(flows.isEmpty ? "none" : flows.joined(separator: ", ")))")
            return []
        }
        var params: [String: String] = [:]
        let words = rest.split(separator: " ")
        if !words.isEmpty && words.allSatisfy({ $0.contains("=") && !$0.hasPrefix("=") }) {
            for word in words {
                let key = word.prefix { $0 != "=" }
                params[String(key)] = String(word.dropFirst(key.count + 1))
            }
        } else if !rest.isEmpty {
            params["task"] = rest
        }
        notify(.info, "Starting flow \(flowId)…")
        return [.mob(.runFlow(mob: mob.id, flow: flowId, params: params))]
    }

    private mutating func send(_ argument: String, mode: HandlingMode) -> [Effect] {
        guard requireMobs() else { return [] }
        let target = String(argument.prefix { !$0.isWhitespace })
        let text = Substring(argument.dropFirst(target.count)).trimmingWhitespace()
        guard !target.isEmpty, !text.isEmpty else {
            notify(.warning, "Usage: /\(mode == .steer ? "steer" : "send") <member> <text>")
            return []
        }
        guard let member = resolveMember(target) else { return [] }
        return [.mob(.send(mob: member.mob, member: member.member, text: text, mode: mode))]
    }

    /// `/spawn PROFILE [ID]` in the mob that has the profile (`MOB/PROFILE` when several do).
    private mutating func spawn(_ argument: String) -> [Effect] {
        guard requireMobs() else { return [] }
        let words = argument.split(separator: " ").map(String.init)
        guard (1...2).contains(words.count) else {
            notify(.warning, "Usage: /spawn <profile> [id]")
            return []
        }
        let parts = words[0].split(separator: "/", maxSplits: 1).map(String.init)
        let profile = parts.last ?? ""
        guard let mob = mobs.first(where: { (parts.count == 1 || $0.id == parts[0]) && $0.profiles.contains(profile) }) else {
            let known = mobs.flatMap { mob in mob.profiles.map { "\(mob.id)/\($0)" } }
            notify(.error, "No profile \(words[0]) (profiles: \(known.joined(separator: ", ")))")
            return []
        }
        return [.mob(.spawn(mob: mob.id, profile: profile, id: words.count == 2 ? words[1] : nil))]
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}

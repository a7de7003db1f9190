import Agents
import ArenaProtocol
import ArenaRelay
import ArenaServer
import ArgumentParser
import Console
import Foundation
import Inference
import Mob
import MobRuntime
import WebSocketClient

struct TUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "The console: roster, chat, task banner and per-agent consoles of an arena.",
        discussion: """
        Without --arena it starts an arena in this process on 127.0.0.1 (port 8080, or a free one), opens \
        the console as its admin, and hosts the built-in workshop mob on the default model: the five \
        personas, whose debate flow runs on every task (--no-agents: none). With --arena it spectates that \
        arena (mowai arena or the original Node Arena); --admin enables /task, /kick and /clear with the \
        secret from MOWAI_ADMIN_SECRET or --admin-secret-file (never from the command line). --mob FILE \
        (repeatable) hosts a mob; --agent and --persona (repeatable) host agents that each answer the \
        arena's tasks. Their consoles show their lifecycle, logs and the model's text.
        """
    )

    @OptionGroup var console: ConsoleArenaOptions

    @Option(help: "A PEM file of certificate authorities to trust for wss:// and https://.")
    var caFile: String?

    @Option(help: "Write the embedded arena's log to this file.")
    var logFile: String?

    @Option(name: .customLong("agent"), help: "A Wasm agent to host (repeatable; default: mowai's own agent).")
    var agentFiles: [String] = []

    @Option(name: .customLong("mob"), help: "A mob definition to host (repeatable; docs/MOBS.md).")
    var mobFiles: [String] = []

    @OptionGroup var agents: AgentOptions
    @OptionGroup var model: AnyModelOption
    @OptionGroup var engine: EngineOptions

    @Flag(help: "Host no local agents (the embedded arena starts empty).")
    var noAgents = false

    @Option(help: "Play a recording made with mowai arena --record, read-only (space pauses, n/p: next/previous task, +/-: speed).")
    var replay: String?

    @Option(help: "With --replay: how many times faster than it happened (0.25 to 64).")
    var speed: Double = 1

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        if let replay { return try play(replay) }
        let inbox = ActionInbox()
        var notices: [(Notice.Level, String)] = []
        let (loadedTheme, themeWarning) = ThemeLoader.load(console.theme)
        // Before the terminal is taken: a bad --agent, --persona or --mob is an error on stderr.
        let models = ModelPool(defaultModel: model.model, apiKeyFile: model.apiKeyFile, engine: engine, sequences: 8) { inbox.post(.notice(.warning, $0)) }
        let hosted = try Failure.reporting { try hostedMobs(models: models, notices: &notices) }

        let resolved = try console.resolve(logFile: logFile)
        let url = resolved.url, secret = resolved.adminSecret, embedded = resolved.embedded
        if let embedded { notices.append((.info, "Arena running at \(embedded.url) — agents and other consoles can join it")) }
        defer { embedded?.stop() }
        // Last, because the status bar shows only the newest notice: the arena's address is on it anyway.
        if let themeWarning { notices.append((.warning, themeWarning)) }

        var generator = SystemRandomNumberGenerator()
        let options = State.Options(arenaURL: "\(url)", isAdmin: secret != nil,
                                    observerAgentId: UUIDv4.make(using: &generator))
        var limits = SandboxLimits()
        limits.taskDeadlineMs = Int64(max(1, agents.taskTimeout)) * 1000
        let local = hosted.isEmpty ? nil
            : LocalMobs(arena: url, hub: try caFile.map { try WebSocketHub(certificateAuthorityFile: $0) } ?? WebSocketHub.shared(),
                        limits: limits, inbox: inbox, resolvers: Dictionary(hosted.map { ($0.definition.id, $0.resolve) }) { first, _ in first })
        let effects = try EffectRunner(target: .init(url: url, adminSecret: secret, certificateAuthorityFile: caFile), inbox: inbox, mobs: local)
        let runner = ConsoleRunner(state: State(options: options, now: .now()), inbox: inbox,
                                    effects: effects, theme: loadedTheme, notices: notices)
        for mob in hosted { try local?.start(mob.definition, modelLabel: models.label) }
        defer { local?.stop() }
        do {
            try runner.run()
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// The mobs to host: each --mob, the agents of --agent/--persona as one mob, or (alone, with no
    /// --arena) the built-in workshop mob. Asked for explicitly, a problem is an error; for the default
    /// mob, a missing model is a notice and the console runs without agents.
    private func hostedMobs(models: ModelPool, notices: inout [(Notice.Level, String)]) throws -> [(definition: MobDefinition, resolve: MobRuntime.Resolver)] {
        guard !noAgents else { return [] }
        let explicitAgents = !agentFiles.isEmpty || !agents.personas.isEmpty || agents.config != nil
        _ = try engine.checked()
        var mobs: [(definition: MobDefinition, resolve: MobRuntime.Resolver)] = []
        for file in mobFiles {
            let mob = try MobFile.load(file)
            for warning in mob.warnings { notices.append((.warning, "\(file): \(warning)")) }
            guard !mobs.contains(where: { $0.definition.id == mob.definition.id }) else {
                throw ValidationErrorMessage("two mobs are named \(mob.definition.id): mob ids must differ")
            }
            mobs.append((mob.definition, MemberFactory.resolver(file: mob, models: models)))
        }
        if explicitAgents {
            let lineup = try AgentLineup.specs(agentFiles: agentFiles, options: agents, defaultPersonas: AgentLineup.fivePersonas,
                                               readsLocalConfig: false)
            for note in lineup.notes { notices.append((.warning, note)) }
            guard !mobs.contains(where: { $0.definition.id == AdHocMob.id }) else {
                throw ValidationErrorMessage("a --mob is named \(AdHocMob.id), the name of the mob --agent and --persona make: rename it")
            }
            let (definition, resolve) = AdHocMob.make(from: lineup.specs, llm: try models.model(nil))
            mobs.append((definition, resolve))
        }
        if mobs.isEmpty && console.arena == nil {
            // The default: the workshop mob, if the default model is there to run it.
            do {
                _ = try models.model(nil)
                let workshop = try BuiltInMobs.load("workshop")
                mobs.append((workshop.definition, MemberFactory.resolver(file: workshop, models: models)))
            } catch {
                notices.append((.warning, "No local agents: \(error)"))
            }
        }
        return mobs
    }

    /// `--replay FILE`: the recording through the console, with no arena and nothing sent anywhere.
    private func play(_ file: String) throws {
        let player = try Failure.reporting { () -> ReplayPlayer in
            guard console.arena == nil, !console.admin, agentFiles.isEmpty, mobFiles.isEmpty, agents.personas.isEmpty else {
                throw ValidationErrorMessage("--replay plays a recording read-only: it takes no --arena, --admin, --agent, --persona or --mob")
            }
            guard speed.isFinite, (0.25...64).contains(speed) else { throw ValidationErrorMessage("--speed must be between 0.25 and 64 (got \(speed))") }
            guard let handle = FileHandle(forReadingAtPath: file) else { throw ValidationErrorMessage("cannot read the recording \(file)") }
            defer { try? handle.close() }
            let limit = 1 << 30
            let bytes = [UInt8](handle.readData(ofLength: limit + 1))
            guard bytes.count <= limit else { throw ValidationErrorMessage("\(file) is over 1 GiB: play one of its rotated parts (\(file).1 …)") }
            let recording = Recording.parse(bytes)
            guard !recording.frames.isEmpty else {
                throw ValidationErrorMessage("\(file) holds nothing to play" + (recording.stop.map { ": \($0)" } ?? " (it is empty)"))
            }
            return ReplayPlayer(recording: recording, speed: speed, at: Moment.monotonicNowMs())
        }
        let (loadedTheme, themeWarning) = ThemeLoader.load(console.theme)
        var notices: [(Notice.Level, String)] = []
        if let themeWarning { notices.append((.warning, themeWarning)) }
        var generator = SystemRandomNumberGenerator()
        let options = State.Options(arenaURL: "replay \((file as NSString).lastPathComponent)", isAdmin: false,
                                    observerAgentId: UUIDv4.make(using: &generator))
        let runner = ConsoleRunner(state: State(options: options, now: .now()), inbox: ActionInbox(), effects: nil,
                                    theme: loadedTheme, notices: notices, replay: player)
        do {
            try runner.run()
        } catch {
            throw ValidationError("\(error)")
        }
    }

}

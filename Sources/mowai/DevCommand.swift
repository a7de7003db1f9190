import Agents
import ArenaProtocol
import ArgumentParser
import Console
import Foundation
import LLMInterface
import WebSocketClient

struct DevCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Build the agent project in DIR, run it in the console, and rebuild and swap it on every change.",
        discussion: """
        The project is one `mowai init` wrote: its ./build.sh builds the agent, mowai.config.json names it and \
        its persona. Without --arena an arena runs in this process and the console is its admin (type /task …); \
        with --arena the agent joins that arena (--admin: the console administers it, with the secret from \
        MOWAI_ADMIN_SECRET or --admin-secret-file). The sources, mowai.config.json and personas/ are watched \
        (inotify): a change of a source rebuilds the agent and swaps the running one for it without leaving the \
        arena (same agent id, same slot) once its current task is answered; a build that fails, or a module \
        that does not implement the world, shows its errors in the agent's console and the running agent \
        carries on. Config and persona changes apply from the next task.
        """
    )

    @Argument(help: "The project's folder (default: the current one).")
    var directory: String?
    @OptionGroup var console: ConsoleArenaOptions
    @Option(help: "Wall-clock limit of one handle-task call, in seconds (1 to 86400).")
    var taskTimeout: Int = 300
    @OptionGroup var model: AnyModelOption
    @OptionGroup var engine: EngineOptions

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let folder = URL(fileURLWithPath: directory ?? FileManager.default.currentDirectoryPath).standardized
        let inbox = ActionInbox()
        var notices: [(Notice.Level, String)] = []
        let (loadedTheme, themeWarning) = ThemeLoader.load(console.theme)
        let llm = try Failure.reporting { () -> (any LLM)? in
            guard (1...86_400).contains(taskTimeout) else { throw ValidationErrorMessage("--task-timeout must be between 1 and 86400 seconds") }
            guard FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("build.sh").path) else {
                throw ValidationErrorMessage("\(folder.path) has no executable build.sh: make a project with `mowai init \(directory ?? ".")` first")
            }
            let models = ModelPool(defaultModel: model.model, apiKeyFile: model.apiKeyFile, engine: engine, sequences: 2) { inbox.post(.notice(.warning, $0)) }
            return try models.model(nil)
        }
        let resolved = try console.resolve()
        let url = resolved.url, secret = resolved.adminSecret, embedded = resolved.embedded
        if let embedded { notices.append((.info, "Arena running at \(embedded.url): type /task … to give your agent a task")) }
        defer { embedded?.stop() }
        if let themeWarning { notices.append((.warning, themeWarning)) }

        var limits = SandboxLimits()
        limits.taskDeadlineMs = Int64(taskTimeout) * 1000
        let loop = DevLoop(folder: folder, inbox: inbox, llm: llm, arena: url, hub: try WebSocketHub.shared(), limits: limits)
        let sources = try Failure.reporting {
            try SourceWatcher(root: folder, onChange: { loop.changed($0) }, onProblem: { loop.watcherProblem($0) })
        }
        var generator = SystemRandomNumberGenerator()
        let options = State.Options(arenaURL: "\(url)", isAdmin: secret != nil, observerAgentId: UUIDv4.make(using: &generator))
        let effects = try EffectRunner(target: .init(url: url, adminSecret: secret, certificateAuthorityFile: nil), inbox: inbox)
        let runner = ConsoleRunner(state: State(options: options, now: .now()), inbox: inbox, effects: effects, theme: loadedTheme, notices: notices)
        loop.start()
        sources.start()
        defer {
            sources.stop()
            loop.stop()
        }
        do {
            try runner.run()
        } catch {
            throw ValidationError("\(error)")
        }
    }
}

import ArenaProtocol
import ArenaRelay
import ArenaServer
import ArgumentParser
import Console
import Foundation
import WebSocketClient

struct TUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "The console: roster, chat, task banner and per-agent consoles of an arena.",
        discussion: """
        Without --arena it starts an arena in this process on 127.0.0.1 (port 8080, or a free one) and \
        opens the console as its admin. With --arena it spectates that arena (mowai arena or the original \
        Node Arena); --admin enables /task, /kick and /clear with the secret from MOWAI_ADMIN_SECRET or \
        --admin-secret-file (never from the command line).
        """
    )

    @Option(help: "ws:// or wss:// address of the arena to join.")
    var arena: String?

    @Flag(help: "Administer the arena (secret from MOWAI_ADMIN_SECRET or --admin-secret-file).")
    var admin = false

    @Option(help: "A file holding the admin secret.")
    var adminSecretFile: String?

    @Option(help: "A PEM file of certificate authorities to trust for wss:// and https://.")
    var caFile: String?

    @Option(help: "dark, light, high-contrast, monochrome, or a path to a theme file.")
    var theme: String?

    @Option(help: "Port of the embedded arena (without --arena); 0 picks a free one.")
    var port = 8080

    @Option(help: "Write the embedded arena's log to this file.")
    var logFile: String?

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let inbox = ActionInbox()
        var notices: [(Notice.Level, String)] = []
        let (loadedTheme, themeWarning) = ThemeLoader.load(theme)

        let url: WebSocketURL
        let secret: String?
        var embedded: EmbeddedArena?
        if let arena {
            guard let parsed = WebSocketURL(arena) else {
                throw ValidationError("--arena must be a ws:// or wss:// address, like ws://127.0.0.1:8080 (got \(arena)).")
            }
            url = parsed
            secret = admin ? try adminSecret() : nil
        } else {
            let arenaSecret = try adminSecret(required: false) ?? Self.randomSecret()
            let started = try EmbeddedArena.start(port: port, adminSecret: arenaSecret, logFile: logFile)
            embedded = started
            url = started.url
            secret = arenaSecret
            notices.append((.info, "Arena running at \(started.url) — agents and other consoles can join it"))
        }
        defer { embedded?.stop() }
        // Last, because the status bar shows only the newest notice: the arena's address is on it anyway.
        if let themeWarning { notices.append((.warning, themeWarning)) }

        var generator = SystemRandomNumberGenerator()
        let options = State.Options(arenaURL: "\(url)", isAdmin: secret != nil,
                                    observerAgentId: UUIDv4.make(using: &generator))
        let runner = try EffectRunner(target: .init(url: url, adminSecret: secret, certificateAuthorityFile: caFile), inbox: inbox)
        let console = ConsoleRunner(state: State(options: options, now: EffectRunner.nowMs()), inbox: inbox,
                                    effects: runner, theme: loadedTheme, notices: notices)
        do {
            try console.run()
        } catch {
            throw ValidationError("\(error)")
        }
    }

    private func adminSecret(required: Bool = true) throws -> String? {
        if let secret = try AdminSecretSource.load(file: adminSecretFile) { return secret }
        if required {
            throw ValidationError("--admin needs the secret: set MOWAI_ADMIN_SECRET or pass --admin-secret-file.")
        }
        return nil
    }

    static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(generator.next() as UInt64, radix: 16) }.joined()
    }
}

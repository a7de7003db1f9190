import ArenaRelay
import ArgumentParser
import ArenaServer
import ServerShell
import Foundation
import WebSocketClient
#if canImport(Glibc)
import Glibc
#endif

/// The arena `mowai tui` runs in-process when no --arena is given, on its own service thread.
final class EmbeddedArena: @unchecked Sendable {
    let url: WebSocketURL
    private let server: ArenaServer
    private let finished = DispatchSemaphore(value: 0)
    private let logDescriptor: Int32

    private init(url: WebSocketURL, server: ArenaServer, logDescriptor: Int32) {
        self.url = url
        self.server = server
        self.logDescriptor = logDescriptor
    }

    /// Listens on 127.0.0.1:`port`, or on a free port if that one is taken.
    static func start(port: Int, adminSecret: String, logFile: String?) throws -> EmbeddedArena {
        // The console owns the terminal: the arena logs to a file or nowhere.
        let descriptor = logFile.map { open($0, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644) } ?? -1
        var options = ArenaServerOptions()
        options.host = "127.0.0.1"
        options.printsLibraryErrors = false
        options.relay.adminSecret = AdminSecret(adminSecret)
        options.tickIntervalMs = 250
        let log = Log(minimumLevel: .info, fileDescriptor: descriptor)
        var server = ArenaServer(options: withPort(options, port), log: log)
        do {
            try server.start()
        } catch {
            guard port != 0 else { throw error }
            server = ArenaServer(options: withPort(options, 0), log: log)
            try server.start()
        }
        guard let url = WebSocketURL("ws://127.0.0.1:\(server.port)") else {
            throw ArenaServerError.cannotListen(host: "127.0.0.1", port: server.port)
        }
        let arena = EmbeddedArena(url: url, server: server, logDescriptor: descriptor)
        let thread = Thread { [arena] in
            arena.server.run()
            arena.finished.signal()
        }
        thread.name = "mowai-arena"
        thread.start()
        return arena
    }

    private static func withPort(_ options: ArenaServerOptions, _ port: Int) -> ArenaServerOptions {
        var copy = options
        copy.port = port
        return copy
    }

    /// Closes every client with 1001 and waits (up to 3 s) for the arena thread to finish.
    func stop() {
        server.stop()
        _ = finished.wait(timeout: .now() + 3)
        if logDescriptor >= 0 { close(logDescriptor) }
    }
}

/// `--arena`, `--admin`, `--admin-secret-file`, `--port` and `--theme`: the options of every command
/// that opens the console on an arena (`tui`, `dev`).
struct ConsoleArenaOptions: ParsableArguments {
    @Option(help: "ws:// or wss:// address of the arena to join (default: one started in this process).")
    var arena: String?

    @Flag(help: "Administer --arena (secret from MOWAI_ADMIN_SECRET or --admin-secret-file).")
    var admin = false

    @Option(help: "A file holding the admin secret.")
    var adminSecretFile: String?

    @Option(help: "Port of the embedded arena (without --arena); 0 picks a free one.")
    var port = 8080

    @Option(help: "dark, light, high-contrast, monochrome, or a path to a theme file.")
    var theme: String?

    func resolve(logFile: String? = nil) throws -> ConsoleArena {
        try ConsoleArena.resolve(arena: arena, admin: admin, adminSecretFile: adminSecretFile, port: port, logFile: logFile)
    }
}

/// The arena a console works with: the one `--arena` names (spectated, or administered with the
/// secret when `admin`), or one started in this process, of which the console is the admin.
struct ConsoleArena {
    let url: WebSocketURL
    /// Sent as X-Admin-Secret; nil when the console only spectates.
    let adminSecret: String?
    let embedded: EmbeddedArena?

    static func resolve(arena: String?, admin: Bool, adminSecretFile: String?, port: Int, logFile: String?) throws -> ConsoleArena {
        if let arena {
            guard let parsed = WebSocketURL(arena) else {
                throw ValidationError("--arena must be a ws:// or wss:// address, like ws://127.0.0.1:8080 (got \(arena)).")
            }
            guard admin else { return ConsoleArena(url: parsed, adminSecret: nil, embedded: nil) }
            guard let secret = try AdminSecretSource.load(file: adminSecretFile) else {
                throw ValidationError("--admin needs the secret: set MOWAI_ADMIN_SECRET or pass --admin-secret-file.")
            }
            return ConsoleArena(url: parsed, adminSecret: secret, embedded: nil)
        }
        let secret = try AdminSecretSource.load(file: adminSecretFile) ?? randomSecret()
        let started = try EmbeddedArena.start(port: port, adminSecret: secret, logFile: logFile)
        return ConsoleArena(url: started.url, adminSecret: secret, embedded: started)
    }

    static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(generator.next() as UInt64, radix: 16) }.joined()
    }
}

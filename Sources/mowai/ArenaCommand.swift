import ArenaRelay
import ArenaServer
import ServerShell
import ArgumentParser
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

struct ArenaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arena",
        abstract: "Run an Arena relay: WebSocket and HTTP on one port, wire-compatible with the original.",
        discussion: """
        The admin secret (for POST /task, /kick, /clear-tasks and admin spectators) comes from the \
        environment variable MOWAI_ADMIN_SECRET or from --admin-secret-file, never from the command line. \
        Without one, every admin action is refused.
        """
    )

    @Option(help: "The address to listen on.")
    var host = "0.0.0.0"

    @Option(help: "The port for HTTP and WebSocket (default: $PORT, else 8080; 0 picks a free one).")
    var port: Int?

    @Option(help: "A file holding the admin secret (overrides MOWAI_ADMIN_SECRET).")
    var adminSecretFile: String?

    @Option(help: "debug, info, warn or error.")
    var logLevel = "info"

    @Option(help: "text (lines for people) or json (one object per line, for log shippers).")
    var logFormat = "text"

    @Option(help: "PEM certificate: serve wss:// and https:// (needs --tls-key).")
    var tlsCert: String?

    @Option(help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    @Option(help: "Milliseconds between keepalive PINGs.")
    var keepaliveInterval: Int64 = 30_000

    @Option(help: "Milliseconds of silence after which a client is closed (1001).")
    var idleTimeout: Int64 = 90_000

    @Option(help: "The error-rate window in milliseconds (more than 10 errors in it close the socket).")
    var errorWindow: Int64 = 60_000

    @Option(help: "Thoughts and responses kept for spectators who join late.")
    var history = 300

    @Option(help: "Seconds an HTTP client may take to send its request (slow clients are cut off).")
    var httpTimeout: UInt32 = 10

    @Option(help: "Append every task, thought, response, join and leave to this file as JSON Lines (replay it with mowai tui --replay).")
    var record: String?

    @Option(help: "Rotate the recording past this many MiB (FILE.1, FILE.2, FILE.3 keep the earlier parts).")
    var recordMaxMb = 100

    /// For arenas started by another mowai process (the bench, the console): stop when it is gone, even
    /// if it died without stopping us.
    @Flag(help: .hidden)
    var exitWithParent = false

    func validate() throws {
        guard Log.Format(rawValue: logFormat) != nil else { throw ValidationError("--log-format must be text or json (got \(logFormat)).") }
        guard LogLevel(name: logLevel) != nil else {
            throw ValidationError("--log-level must be one of debug, info, warn, error (got \(logLevel)).")
        }
        if (tlsCert == nil) != (tlsKey == nil) {
            throw ValidationError("TLS needs both --tls-cert and --tls-key.")
        }
        for (name, value) in [("--keepalive-interval", keepaliveInterval), ("--idle-timeout", idleTimeout), ("--error-window", errorWindow)]
        where value <= 0 || value > 86_400_000 {
            throw ValidationError("\(name) must be a number of milliseconds between 1 and 86400000 (a day).")
        }
        if let port, !(0...65535).contains(port) {
            throw ValidationError("--port must be between 0 and 65535 (got \(port)).")
        }
        guard (1...3600).contains(httpTimeout) else {
            throw ValidationError("--http-timeout must be between 1 and 3600 seconds.")
        }
        guard (1...100_000).contains(recordMaxMb) else {
            throw ValidationError("--record-max-mb must be between 1 and 100000.")
        }
        guard (0...100_000).contains(history) else {
            throw ValidationError("--history must be between 0 and 100000.")
        }
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let log = Log(minimumLevel: LogLevel(name: logLevel) ?? .info, format: Log.Format(rawValue: logFormat) ?? .text)
        var options = ArenaServerOptions()
        options.host = host
        options.port = try resolvedPort()
        options.tlsCertificatePath = tlsCert
        options.tlsPrivateKeyPath = tlsKey
        options.relay.keepaliveIntervalMs = keepaliveInterval
        options.relay.idleTimeoutMs = idleTimeout
        options.relay.errorWindowMs = errorWindow
        options.relay.historyLimit = max(0, history)
        options.httpTimeoutSeconds = max(1, httpTimeout)
        if exitWithParent { options.parentProcess = getppid() }
        options.relay.adminSecret = try loadAdminSecret()
        // Tick often enough for the shortest interval to be honoured within a tenth of it.
        options.tickIntervalMs = max(10, min(1000, min(keepaliveInterval, idleTimeout) / 10))
        if options.relay.adminSecret == nil {
            log(.warn, "no admin secret: admin actions are refused (set MOWAI_ADMIN_SECRET or --admin-secret-file)")
        }

        let recorder: Recorder?
        if let record {
            options.relay.recordsEvents = true
            do {
                recorder = try Recorder(path: record, maxBytes: recordMaxMb << 20, log: log)
            } catch {
                throw ValidationError("\(error)")
            }
            log(.info, "recording tasks, thoughts, responses, joins and leaves into \(record)")
        } else {
            recorder = nil
        }
        defer { recorder?.close() }
        let server = ArenaServer(options: options, log: log, recorder: recorder)
        do {
            try server.start()
        } catch {
            throw ValidationError("\(error)")
        }
        let signals = StopSignals { server.stop() }
        let scheme = tlsCert == nil ? "http" : "https"
        let wsScheme = tlsCert == nil ? "ws" : "wss"
        let shownHost = host == "0.0.0.0" ? "127.0.0.1" : host
        // Scripts and tests read this line to learn the port.
        print("mowai arena listening on \(scheme)://\(shownHost):\(server.port) (\(wsScheme)://\(shownHost):\(server.port))")
        fflush(nil)

        server.run()
        signals.cancel()
        log(.info, "stopped")
    }

    private func resolvedPort() throws -> Int {
        if let port { return port }
        guard let text = getenv("PORT").map({ String(cString: $0) }), !text.isEmpty else { return 8080 }
        guard let value = Int(text), (0...65535).contains(value) else {
            throw ValidationError("PORT must be a port number (got \(text)).")
        }
        return value
    }

    private func loadAdminSecret() throws -> AdminSecret? {
        try AdminSecretSource.load(file: adminSecretFile).flatMap(AdminSecret.init)
    }
}

import ArenaRelay
import ArgumentParser
import Dispatch
import Foundation
import Inference
import ModelServer
import ModelServing
import SafeText
import ServerShell
#if canImport(Glibc)
import Glibc
#endif

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a GGUF model over OpenAI's HTTP API, batching every client's requests together.",
        discussion: """
        Endpoints: GET /v1/models, POST /v1/chat/completions, POST /v1/completions (streamed as server-sent \
        events with "stream": true) and GET /health. Any OpenAI client works: point it at http://HOST:PORT/v1. \
        With an API key (MOWAI_API_KEY or --api-key-file, never the command line) every request but /health \
        must send "Authorization: Bearer KEY". Other mowai commands use it with --model openai:MODEL@http://HOST:PORT/v1.
        """
    )

    @OptionGroup var model: ModelOption
    @OptionGroup var engine: EngineOptions
    @Option(help: "The address to listen on (0.0.0.0: every interface, for a workshop's participants).")
    var host = "127.0.0.1"
    @Option(help: "The port (0 picks a free one).")
    var port = 8000
    @Option(help: "A file holding the API key clients must send (overrides MOWAI_API_KEY).")
    var apiKeyFile: String?
    @Option(help: "Requests generated at once, in one batch; more wait their turn.")
    var parallel = 8
    @Option(help: "Requests running or waiting at most; beyond it clients get 429.")
    var queue = 64
    @Option(help: "The most tokens one answer may ask for, and the length of answers that name none.")
    var maxTokens = 2048
    @Option(help: "The largest request body, in KiB.")
    var maxBodyKb = 1024
    @Option(help: "Context length in tokens per request (default: the model's, at most 8192).")
    var context: Int?
    @Option(help: "The chat template (chatml, llama3, llama2, phi3, gemma; default: from the model).")
    var template: ChatTemplate?
    @Option(help: "Seconds a client may take to send its request, and an idle connection may stay open.")
    var httpTimeout: UInt32 = 30
    @Option(help: "debug, info, warn or error.")
    var logLevel = "info"

    @Option(help: "text (lines for people) or json (one object per line, for log shippers).")
    var logFormat = "text"

    func validate() throws {
        guard Log.Format(rawValue: logFormat) != nil else { throw ValidationError("--log-format must be text or json (got \(logFormat)).") }
        guard LogLevel(name: logLevel) != nil else { throw ValidationError("--log-level must be one of debug, info, warn, error (got \(logLevel)).") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535 (got \(port)).") }
        guard (1...64).contains(parallel) else { throw ValidationError("--parallel must be between 1 and 64 (got \(parallel)).") }
        guard (1...10_000).contains(queue) else { throw ValidationError("--queue must be between 1 and 10000 (got \(queue)).") }
        guard (1...100_000).contains(maxTokens) else { throw ValidationError("--max-tokens must be between 1 and 100000 (got \(maxTokens)).") }
        guard (1...65536).contains(maxBodyKb) else { throw ValidationError("--max-body-kb must be between 1 and 65536 (got \(maxBodyKb)).") }
        if let context, context < 2 { throw ValidationError("--context must be at least 2") }
        guard (1...3600).contains(httpTimeout) else { throw ValidationError("--http-timeout must be between 1 and 3600 seconds.") }
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        var signals: StopSignals?
        let log = Log(minimumLevel: LogLevel(name: logLevel) ?? .info, tag: "serve", format: Log.Format(rawValue: logFormat) ?? .text)
        let server: ModelServer = try Failure.reporting {
            let key = try ProviderKey.read(file: apiKeyFile, environment: ProcessInfo.processInfo.environment, variables: ["MOWAI_API_KEY"])
            let file = try model.open()
            let llm = try engine.load(file, sequences: parallel, contextLength: context, template: template, notices: { log(.warn, $0) })
            var options = ModelServerOptions()
            options.host = host
            options.port = port
            options.apiKey = key
            options.httpTimeoutSeconds = httpTimeout
            options.limits.maxTokens = min(maxTokens, llm.contextLength)
            options.limits.maxQueued = queue
            options.limits.maxBodyBytes = maxBodyKb << 10
            let fileName = (file.gguf.file as NSString).lastPathComponent
            let id = fileName.hasSuffix(".gguf") ? String(fileName.dropLast(5)) : fileName
            let served = ServedModel(id: id, aliases: [fileName], created: Int(Date().timeIntervalSince1970), contextLength: llm.contextLength)
            let server = ModelServer(model: llm, served: served, options: options, log: log)
            try server.start()
            signals = StopSignals { server.stop() }
            let shownHost = host == "0.0.0.0" ? "127.0.0.1" : host
            // Scripts and tests read this line to learn the port.
            print("mowai serve listening on http://\(shownHost):\(server.port)/v1 (model \(Sanitizer.line(id)), \(llm.sequenceCapacity) at once, \(llm.deviceDescription))")
            fflush(nil)
            if key == nil && host != "127.0.0.1" && host != "localhost" {
                log(.warn, "no API key: anyone who can reach \(host):\(server.port) can use the model (set MOWAI_API_KEY or --api-key-file)")
            }
            return server
        }
        server.run()
        signals?.cancel()
        log(.info, "stopped")
    }
}

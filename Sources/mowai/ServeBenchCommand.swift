import ArenaBench
import ArgumentParser
import Foundation
import HTTPClient
import Inference
import LLMInterface
import ModelServer
import ModelServing
import Providers
import SafeText
import ServerShell

struct ServeBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Measure an OpenAI-compatible server under concurrent streaming clients: aggregate tokens/s and time to first token.",
        discussion: """
        Each of --clients concurrent clients sends --requests streamed chat completions one after another (greedy, \
        --max-tokens each, a different prompt each); the server's own usage counts the tokens. Without --url it \
        starts `mowai serve` in-process on --model with --parallel sequences; with --url it measures that server \
        (llama.cpp's llama-server, vLLM, another mowai serve), so two servers compare on one machine.
        """
    )

    @Option(help: "The server's base URL, up to /v1 (default: a mowai serve started here).")
    var url: String?
    @Option(help: ArgumentHelp("Concurrent clients, comma-separated.", valueName: "n,n,…"))
    var clients = "1,8,32"
    @Option(help: "Requests per client at each level.")
    var requests = 2
    @Option(help: "Tokens per answer at most.")
    var maxTokens = 128
    @Option(help: "A file holding the server's API key (else OPENAI_API_KEY).")
    var apiKeyFile: String?
    @Option(help: "Sequences the in-process server generates at once.")
    var parallel = 8
    @OptionGroup var model: ModelOption
    @OptionGroup var engine: EngineOptions
    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    struct Level: Codable {
        let clients: Int
        let requests: Int
        let failed: Int
        let generatedTokens: Int
        let seconds: Double
        let tokensPerSecond: Double
        let timeToFirstTokenP50Ms: Double
        let timeToFirstTokenP99Ms: Double
    }

    struct Report: Codable {
        let server: String
        let model: String
        let maxTokens: Int
        let levels: [Level]
    }

    func run() throws {
        try Failure.reporting {
            let levels = try countList(clients, option: "--clients", of: "clients", upTo: 256, example: "1,8,32")
            guard (1...1000).contains(requests) else { throw ValidationErrorMessage("--requests must be between 1 and 1000") }
            guard (1...4096).contains(maxTokens) else { throw ValidationErrorMessage("--max-tokens must be between 1 and 4096") }
            guard (1...64).contains(parallel) else { throw ValidationErrorMessage("--parallel must be between 1 and 64") }
            let key = try ProviderKey.read(file: apiKeyFile, environment: ProcessInfo.processInfo.environment, variables: ["OPENAI_API_KEY"])

            var local: LocalServer?
            let baseURL: String
            if let url {
                baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url
            } else {
                let started = try LocalServer(file: try model.open(), engine: engine, parallel: parallel, queue: levels.max()! * 2)
                local = started
                baseURL = started.baseURL
            }
            defer { local?.stop() }
            let modelID = try blocking { try await Self.modelID(baseURL: baseURL, key: key) }
            let llm = HostedLLM.openAI(model: modelID, baseURL: baseURL, apiKey: key, idleSeconds: 300, retry: .none)
            // One answer first: the server's caches and pages are warm before anything is timed.
            _ = try blocking { try await Self.measure(llm, clients: 1, requests: 1, maxTokens: 8) }
            var measured: [Level] = []
            for clients in levels {
                measured.append(try blocking { try await Self.measure(llm, clients: clients, requests: requests, maxTokens: maxTokens) })
                if !json { print(Self.row(measured.last!)); fflush(nil) }
            }
            let report = Report(server: local.map { "mowai serve (\($0.device))" } ?? baseURL, model: modelID, maxTokens: maxTokens, levels: measured)
            if json {
                print(try reportJSON(report))
            } else {
                print("server: \(Sanitizer.line(report.server)), model \(Sanitizer.line(modelID)), up to \(maxTokens) tokens per answer")
            }
        }
    }

    static func row(_ level: Level) -> String {
        String(format: "clients %3d  requests %4d  tokens %6d  %7.2f s  %8.1f tok/s  TTFT p50 %7.1f ms  p99 %7.1f ms%@",
               level.clients, level.requests, level.generatedTokens, level.seconds, level.tokensPerSecond,
               level.timeToFirstTokenP50Ms, level.timeToFirstTokenP99Ms, level.failed > 0 ? "  (\(level.failed) failed)" : "")
    }

    /// The first model the server lists.
    static func modelID(baseURL: String, key: String?) async throws -> String {
        let headers = key.map { [("Authorization", "Bearer \($0)")] } ?? []
        let answer = try await HTTPClient.request("GET", baseURL + "/models", headers: headers)
        struct Models: Decodable {
            struct Model: Decodable { let id: String }
            let data: [Model]
        }
        guard answer.status == 200, let models = try? JSONDecoder().decode(Models.self, from: Data(answer.body)), let first = models.data.first else {
            throw ValidationErrorMessage("\(baseURL)/models answered \(answer.status) without a model: is it an OpenAI-compatible server (and the key right)?")
        }
        return first.id
    }

    /// `clients` clients at once, each sending `requests` streamed answers in turn.
    static func measure(_ llm: HostedLLM, clients: Int, requests: Int, maxTokens: Int) async throws -> Level {
        struct Outcome: Sendable {
            var tokens = 0
            var failed = 0
            var firstTokenNanoseconds: [Int64] = []
        }
        let started = MonotonicClock.microseconds()
        let outcomes = await withTaskGroup(of: Outcome.self) { group in
            for client in 0..<clients {
                group.addTask {
                    var outcome = Outcome()
                    for index in 0..<requests {
                        let topic = benchTopics[(client + index * clients) % benchTopics.count]
                        let request = GenerationRequest(prompt: .chat([ChatMessage(role: "user", content: "Write a long story about \(topic).")]),
                                                        sampling: .greedy, maxTokens: maxTokens)
                        let sent = MonotonicClock.microseconds()
                        var first: Int64?
                        do {
                            for try await event in llm.generate(request) {
                                switch event {
                                case .text: if first == nil { first = MonotonicClock.microseconds() - sent }
                                case .finished(_, let usage): outcome.tokens += usage.generatedTokens
                                case .retrying: break
                                }
                            }
                            if let first { outcome.firstTokenNanoseconds.append(first * 1000) }
                        } catch {
                            outcome.failed += 1
                        }
                    }
                    return outcome
                }
            }
            return await group.reduce(into: [Outcome]()) { $0.append($1) }
        }
        let seconds = Double(MonotonicClock.microseconds() - started) / 1e6
        var latencies = LatencyHistogram()
        for outcome in outcomes { outcome.firstTokenNanoseconds.forEach { latencies.record(nanoseconds: $0) } }
        let tokens = outcomes.map(\.tokens).reduce(0, +)
        return Level(clients: clients, requests: clients * requests, failed: outcomes.map(\.failed).reduce(0, +), generatedTokens: tokens,
                     seconds: seconds, tokensPerSecond: Double(tokens) / seconds,
                     timeToFirstTokenP50Ms: latencies.percentileMs(0.5) ?? 0, timeToFirstTokenP99Ms: latencies.percentileMs(0.99) ?? 0)
    }
}

/// What the bench's clients ask for stories about: different prompts, so no answer is a copy of another.
let benchTopics = ["a lighthouse keeper", "a lost robot", "the first city on Mars", "a dragon who hates fire", "an old violin",
                   "a river that flows uphill", "a chess tournament", "a baker in Paris", "a storm at sea", "a forgotten library",
                   "a talking cat", "a mountain village", "a time traveller", "a desert caravan", "a clockmaker", "a winter festival"]

/// `mowai serve` in this process, on a port the kernel picks, for the bench to measure.
final class LocalServer: @unchecked Sendable {
    let server: ModelServer
    let device: String
    private let thread: Thread
    private let finished = DispatchSemaphore(value: 0)
    var baseURL: String { "http://127.0.0.1:\(server.port)/v1" }

    init(file: GGUFModelFile, engine: EngineOptions, parallel: Int, queue: Int) throws {
        let llm = try engine.load(file, sequences: parallel, contextLength: nil, notices: noticeOnStandardError)
        var options = ModelServerOptions()
        options.port = 0
        options.limits.maxQueued = max(queue, 64)
        options.limits.maxTokens = min(4096, llm.contextLength)
        options.printsLibraryErrors = false
        let fileName = (file.gguf.file as NSString).lastPathComponent
        let served = ServedModel(id: fileName, created: Int(Date().timeIntervalSince1970), contextLength: llm.contextLength)
        let server = ModelServer(model: llm, served: served, options: options, log: Log(minimumLevel: .warn, tag: "serve"))
        try server.start()
        self.server = server
        device = llm.deviceDescription
        let done = finished
        thread = Thread {
            server.run()
            done.signal()
        }
        thread.name = "mowai-serve"
        thread.start()
    }

    func stop() {
        server.stop()
        finished.wait()
    }
}

/// Runs `work` on the cooperative pool and waits for it: for synchronous commands that drive async clients.
func blocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let box = BlockingResult<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.result = .success(try await work()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

/// Written by the task before the semaphore is signalled, read after the wait.
private final class BlockingResult<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

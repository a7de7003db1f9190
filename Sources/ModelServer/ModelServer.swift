import CWebsockets
import LLMInterface
import ModelServing
import ServerShell
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

public enum ModelServerError: Error, CustomStringConvertible {
    case cannotListen(host: String, port: Int)

    public var description: String {
        switch self {
        case .cannotListen(let host, let port):
            return "cannot listen on \(host):\(port) — is another server already using that port? Pick another with --port."
        }
    }
}

/// `mowai serve`: a model behind OpenAI's HTTP API, on libwebsockets.
///
/// One thread owns the lws context and every connection: `run()` serves on the calling thread until
/// `stop()`. Each completion runs as a task that consumes the model's stream and hands what it makes
/// to the service thread through the outbox; the model's engine batches all of them together. A
/// client that goes away cancels its task, and with it the generation.
public final class ModelServer: @unchecked Sendable {
    public let options: ModelServerOptions
    /// The port actually bound (useful with port 0).
    public private(set) var port = 0
    let gate: ServeGate
    let model: any LLM
    let log: Log

    private var context: OpaquePointer?
    private let protocols: UnsafeMutablePointer<lws_protocols>
    private let protocolName = strdup("mowai-serve")
    private let alpn = strdup("http/1.1")

    private var exchanges: [OpaquePointer: ServeExchange] = [:]
    private var exchangesByNumber: [Int: ServeExchange] = [:]
    private var nextNumber = 1
    /// Completions running or waiting (what the queue limit counts).
    private var inFlight = 0
    private var random = SystemRandomNumberGenerator()

    /// Filled by generation tasks, emptied by the service thread.
    private let outbox = Mutex<[(Int, Delivery)]>([])
    private let stopRequested = Atomic<Bool>(false)
    private var isStopping = false

    public init(model: any LLM, served: ServedModel, options: ModelServerOptions, log: Log) {
        self.model = model
        self.options = options
        self.log = log
        gate = ServeGate(model: served, limits: options.limits, key: options.apiKey)
        protocols = .allocate(capacity: 2)
        protocols.initialize(repeating: lws_protocols(), count: 2)
    }

    deinit {
        if let context { lws_context_destroy(context) }
        protocols.deallocate()
        free(protocolName)
        free(alpn)
    }

    /// Binds the listening socket. Throws a message that says how to fix it.
    public func start() throws {
        lws_set_log_level(options.printsLibraryErrors ? LLL_ERR : 0, nil)
        protocols[0].name = UnsafePointer(protocolName)
        protocols[0].callback = serveCallback
        protocols[1] = lws_protocols()

        var info = lws_context_creation_info()
        info.port = Int32(clamping: options.port)
        // HTTP/1.1 only: the answers are framed (chunked) for it.
        info.alpn = UnsafePointer(alpn)
        info.protocols = UnsafePointer(protocols)
        info.user = Unmanaged.passUnretained(self).toOpaque()
        info.timeout_secs = options.httpTimeoutSeconds
        info.keepalive_timeout = Int32(clamping: options.httpTimeoutSeconds)
        // A client dribbling its headers holds a header table; it loses it (and the connection) in time.
        info.timeout_secs_ah_idle = options.httpTimeoutSeconds
        guard let (created, bound) = ListeningContext.create(&info, host: options.host) else {
            throw ModelServerError.cannotListen(host: options.host, port: options.port)
        }
        context = created
        port = bound
    }

    /// Serves until `stop()`.
    public func run() {
        guard let context else { return }
        while !isStopping {
            if lws_service(context, 0) < 0 { break }
        }
    }

    /// Thread-safe: cancels every generation and returns from `run()`.
    public func stop() {
        stopRequested.store(true, ordering: .sequentiallyConsistent)
        if let context { lws_cancel_service(context) }
    }

    // MARK: Requests (service thread)

    func callback(_ wsi: OpaquePointer, reason: lws_callback_reasons, input: UnsafeMutableRawPointer?, length: Int) -> Int32 {
        switch reason {
        case LWS_CALLBACK_HTTP:
            return requestArrived(wsi, path: input.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) } ?? "/")
        case LWS_CALLBACK_HTTP_BODY:
            return bodyArrived(wsi, input: input, length: length)
        case LWS_CALLBACK_HTTP_BODY_COMPLETION:
            return bodyComplete(wsi)
        case LWS_CALLBACK_HTTP_WRITEABLE:
            return writeable(wsi)
        case LWS_CALLBACK_CLOSED_HTTP, LWS_CALLBACK_WSI_DESTROY:
            // Keyed by the wsi's address, which a later connection may get: never let an entry outlive it.
            if let exchange = exchanges[wsi] { discard(exchange, reason: "the client closed the connection") }
            return 0
        case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
            deliver()
            return 0
        default:
            return lws_callback_http_dummy(wsi, reason, nil, input, length)
        }
    }

    private func requestArrived(_ wsi: OpaquePointer, path: String) -> Int32 {
        let declared = HTTPHeaders.value(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH).map { Int($0) ?? Int.max }
        let head = RequestHead(method: HTTPHeaders.method(wsi), path: path,
                               authorization: HTTPHeaders.value(wsi, WSI_TOKEN_HTTP_AUTHORIZATION),
                               contentLength: declared,
                               isChunked: HTTPHeaders.value(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) != nil)
        switch gate.admit(head, inFlight: inFlight, stopping: isStopping) {
        case .answer(let status, let body, let retryAfter):
            if status >= 400 { log(status >= 500 ? .warn : .info, "\(head.method) \(path): \(status)") }
            // An error before the body was read leaves it unread on the socket: close after answering.
            return HTTPWriter.complete(wsi, status: status, body: body, headers: Self.headers(retryAfter: retryAfter),
                                       keepAlive: status < 400 || (head.contentLength ?? 0) == 0)
        case .readBody(let kind):
            let exchange = ServeExchange(number: nextNumber, wsi: wsi, head: head, startedAt: MonotonicClock.microseconds())
            nextNumber += 1
            exchange.kind = kind
            exchange.body.reserveCapacity(min(head.contentLength ?? 0, gate.limits.maxBodyBytes))
            exchanges[wsi] = exchange
            exchangesByNumber[exchange.number] = exchange
            return 0
        }
    }

    private func bodyArrived(_ wsi: OpaquePointer, input: UnsafeMutableRawPointer?, length: Int) -> Int32 {
        guard let exchange = exchanges[wsi] else { return -1 }
        if let input, length > 0 { exchange.body.append(contentsOf: UnsafeRawBufferPointer(start: input, count: length)) }
        if exchange.body.count > gate.limits.maxBodyBytes {
            forget(exchange)
            let error = ServeError.bodyTooLarge(limit: gate.limits.maxBodyBytes)
            return HTTPWriter.complete(wsi, status: error.status, body: error.body, keepAlive: false)
        }
        return 0
    }

    private func bodyComplete(_ wsi: OpaquePointer) -> Int32 {
        guard let exchange = exchanges[wsi], let kind = exchange.kind else { return -1 }
        let body = exchange.body
        exchange.body = []
        switch gate.call(body: body, kind: kind, seed: random.next()) {
        case .failure(let error):
            forget(exchange)
            log(.info, "\(exchange.head.method) \(exchange.head.path): \(error.status) \(error.message)")
            return HTTPWriter.complete(wsi, status: error.status, body: error.body, headers: Self.headers(retryAfter: error.retryAfter), keepAlive: true)
        case .success(let call):
            // The answer may take minutes to begin (a long queue, a long prompt): no lws timeout applies.
            lws_set_timeout(wsi, NO_PENDING_TIMEOUT, 0)
            inFlight += 1
            exchange.isGenerating = true
            exchange.task = generate(call, for: exchange.number, head: exchange.head, startedAt: exchange.startedAt)
            return 0
        }
    }

    private static func headers(retryAfter: Int?) -> [(name: String, value: String)] {
        retryAfter.map { [(name: "retry-after", value: "\($0)")] } ?? []
    }

    // MARK: Generation (a task per request)

    private func generate(_ call: CompletionCall, for number: Int, head: RequestHead, startedAt: Int64) -> Task<Void, Never> {
        var idBytes = SystemRandomNumberGenerator()
        let id = String(idBytes.next(), radix: 16) + String(idBytes.next() & 0xFFFF_FFFF, radix: 16)
        let renderer = CompletionRenderer(call: call, id: id, created: gate.model.created, model: gate.model.id)
        return Task { [model, log] in
            var renderer = renderer
            var streamed = false
            var finished = false
            var outcome = "cancelled"
            do {
                for try await event in model.generate(call.request) {
                    switch event {
                    case .text(let piece):
                        let bytes = renderer.text(piece)
                        if !bytes.isEmpty {
                            streamed = true
                            self.post(.stream(bytes), to: number)
                        }
                    case .finished(let reason, let usage):
                        finished = true
                        let bytes = renderer.finished(reason, usage)
                        if call.stream {
                            self.post(.stream(bytes), to: number)
                            self.post(.end, to: number)
                        } else {
                            self.post(.whole(status: 200, body: bytes, retryAfter: nil), to: number)
                        }
                        outcome = "200: \(usage.generatedTokens) tokens after \(usage.promptTokens) of prompt (\(reason.rawValue))"
                    case .retrying:
                        break
                    }
                }
                // A stream that stops without saying why must not leave its client waiting.
                if !finished && !Task.isCancelled { throw ServeError.internalError("the model's answer ended without a finish") }
            } catch {
                let failure = CompletionRenderer.failure(error)
                outcome = "\(failure.status) \(failure.message)"
                if streamed {
                    self.post(.stream(CompletionRenderer.streamedFailure(failure)), to: number)
                    self.post(.end, to: number)
                } else {
                    self.post(.whole(status: failure.status, body: failure.body, retryAfter: failure.retryAfter), to: number)
                }
            }
            let milliseconds = (MonotonicClock.microseconds() - startedAt) / 1000
            log(.info, "\(head.method) \(head.path)\(call.stream ? " (stream)" : ""): \(outcome) in \(milliseconds) ms")
        }
    }

    /// Any thread: queues `delivery` for exchange `number` and wakes the service thread.
    private func post(_ delivery: Delivery, to number: Int) {
        outbox.withLock { $0.append((number, delivery)) }
        if let context { lws_cancel_service(context) }
    }

    // MARK: Answers (service thread)

    /// Takes what the tasks made and asks to write it.
    private func deliver() {
        if stopRequested.load(ordering: .sequentiallyConsistent) && !isStopping {
            isStopping = true
            log(.info, "shutting down: cancelling \(inFlight) request(s)")
            for exchange in Array(exchanges.values) { exchange.task?.cancel() }
            return
        }
        let deliveries = outbox.withLock { outbox in
            defer { outbox.removeAll(keepingCapacity: true) }
            return outbox
        }
        var touched: [ServeExchange] = []
        for (number, delivery) in deliveries {
            // Its client may be gone: what it was sent goes nowhere.
            guard let exchange = exchangesByNumber[number] else { continue }
            switch delivery {
            case .stream(let bytes):
                exchange.isStreaming = true
                exchange.pending += HTTPWriter.chunk(bytes)
            case .end:
                exchange.pending += HTTPWriter.chunk([])
                exchange.isEnded = true
                finishGenerating(exchange)
            case .whole(let status, let body, let retryAfter):
                exchange.whole = (status, body, retryAfter)
                finishGenerating(exchange)
            }
            touched.append(exchange)
        }
        for exchange in touched where exchanges[exchange.wsi] === exchange {
            if exchange.pending.count > options.maxPendingOutputBytes {
                log(.warn, "\(exchange.head.path): the client leaves over \(options.maxPendingOutputBytes >> 10) KiB unread; dropping it")
                discard(exchange, reason: "too slow")
                lws_set_timeout(exchange.wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC)
                continue
            }
            lws_callback_on_writable(exchange.wsi)
        }
    }

    private func writeable(_ wsi: OpaquePointer) -> Int32 {
        guard let exchange = exchanges[wsi] else { return 0 }
        // What lws holds from the last write goes first.
        if lws_partial_buffered(wsi) != 0 {
            lws_callback_on_writable(wsi)
            return 0
        }
        if let whole = exchange.whole {
            forget(exchange)
            return HTTPWriter.complete(wsi, status: whole.status, body: whole.body, headers: Self.headers(retryAfter: whole.retryAfter), keepAlive: true)
        }
        if exchange.isStreaming && !exchange.isHeadWritten {
            exchange.isHeadWritten = true
            guard HTTPWriter.head(wsi, status: 200, contentType: "text/event-stream", framing: .chunked,
                                  headers: [(name: "cache-control", value: "no-cache")]) else {
                discard(exchange, reason: "the head could not be written")
                return -1
            }
        }
        guard !exchange.pending.isEmpty else { return 0 }
        let bytes = exchange.pending
        exchange.pending = []
        guard HTTPWriter.body(wsi, bytes, final: exchange.isEnded) else {
            discard(exchange, reason: "the connection failed")
            return -1
        }
        guard exchange.isEnded else { return 0 }
        forget(exchange)
        return lws_http_transaction_completed(wsi) != 0 ? -1 : 0
    }

    private func finishGenerating(_ exchange: ServeExchange) {
        guard exchange.isGenerating else { return }
        exchange.isGenerating = false
        inFlight -= 1
    }

    /// The exchange is answered: its connection may carry another request.
    private func forget(_ exchange: ServeExchange) {
        finishGenerating(exchange)
        if exchanges[exchange.wsi] === exchange { exchanges[exchange.wsi] = nil }
        exchangesByNumber[exchange.number] = nil
    }

    /// The exchange ends unanswered: its generation is cancelled, which frees its sequence at once.
    private func discard(_ exchange: ServeExchange, reason: String) {
        if exchange.isGenerating {
            log(.info, "\(exchange.head.method) \(exchange.head.path): \(reason); generation cancelled")
        }
        exchange.task?.cancel()
        forget(exchange)
    }
}

/// lws calls this for every event of the server's sockets, always on the service thread.
private func serveCallback(
    _ wsi: OpaquePointer?, _ reason: lws_callback_reasons, _ user: UnsafeMutableRawPointer?,
    _ input: UnsafeMutableRawPointer?, _ length: Int
) -> Int32 {
    guard let wsi, let context = lws_get_context(wsi), let owner = lws_context_user(context) else { return 0 }
    let server = Unmanaged<ModelServer>.fromOpaque(owner).takeUnretainedValue()
    return server.callback(wsi, reason: reason, input: input, length: length)
}

import CCurl
import Foundation
import Synchronization

/// HTTP over libcurl. Each exchange runs on its own thread (curl's easy interface blocks), so callers
/// on the cooperative pool only await. `stream` delivers the body as it arrives; ending the stream
/// (or cancelling the task that reads it) aborts the transfer within about a second.
public enum HTTPClient {
    public static func stream(_ request: HTTPRequest) -> AsyncThrowingStream<HTTPStreamEvent, any Error> {
        let (events, continuation) = AsyncThrowingStream<HTTPStreamEvent, any Error>.makeStream()
        let transfer = Transfer(continuation, idle: request.timeouts.idle)
        continuation.onTermination = { _ in transfer.cancel() }
        LiveTransfers.shared.add(transfer)
        let thread = Thread {
            let outcome = perform(request, transfer)
            // Gone from the list once curl is done with it (cleanup included), before the caller hears the end.
            LiveTransfers.shared.remove(transfer)
            transfer.finish(outcome)
        }
        thread.name = "mowai-http"
        thread.start()
        return events
    }

    /// The whole response at once.
    public static func request(_ request: HTTPRequest) async throws -> HTTPResult {
        var head = HTTPResponseHead(status: 0, headers: [])
        var body: [UInt8] = []
        for try await event in stream(request) {
            switch event {
            case .head(let received): head = received
            case .body(let bytes): body += bytes
            }
        }
        // A cancelled task's stream ends early without an error: it must not pass for a whole answer.
        if Task.isCancelled { throw HTTPClientError.cancelled(url: request.url) }
        return HTTPResult(status: head.status, headers: head.headers, body: body)
    }

    public static func request(
        _ method: String, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
        certificateAuthorityFile: String? = nil, timeoutSeconds: Int = 10
    ) async throws -> HTTPResult {
        try await request(HTTPRequest(method, url, headers: headers.map { HTTPHeader($0.0, $0.1) }, body: body,
                                      timeouts: HTTPTimeouts(connect: Double(timeoutSeconds), total: Double(timeoutSeconds)),
                                      certificateAuthorityFile: certificateAuthorityFile))
    }

    public static func get(_ url: String) async throws -> HTTPResult {
        try await request("GET", url)
    }

    private static let globalInit: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        // OpenSSL, under curl, frees its state in an exit handler; a transfer still closing on its own
        // thread then crashed the exiting process (a caller may be done with a stream before curl is).
        // Handlers run last registered first, so this one, registered after curl's init, goes first:
        // it aborts the transfers still going and waits (at most two seconds) for their threads.
        atexit { LiveTransfers.shared.abortAndWait(seconds: 2) }
    }()

    /// One exchange as seen from curl's callbacks: the head collected line by line, handed on before
    /// the first body byte; a cancel flag they poll.
    final class Transfer: @unchecked Sendable {
        let continuation: AsyncThrowingStream<HTTPStreamEvent, any Error>.Continuation
        let cancelled = Atomic<Bool>(false)
        // Touched only on the transfer's own thread.
        let idleLimit: Duration?
        var lastActivity = ContinuousClock.now
        var idledOut = false
        var status = 0
        var headers: [HTTPHeader] = []
        var headSent = false

        init(_ continuation: AsyncThrowingStream<HTTPStreamEvent, any Error>.Continuation, idle: Double?) {
            self.continuation = continuation
            idleLimit = idle.map { .milliseconds(Int(max(0.001, min($0, 86_400)) * 1000)) }
        }

        /// Whether to abort: the caller stopped listening, or the response has been silent too long.
        func shouldAbort() -> Bool {
            if isCancelled { return true }
            if let idleLimit, ContinuousClock.now - lastActivity > idleLimit { idledOut = true }
            return idledOut
        }

        func cancel() { cancelled.store(true, ordering: .relaxed) }
        var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

        func header(line: String) {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.hasPrefix("HTTP/") {
                // A new status line (after a 100 Continue, say) starts a new head.
                status = Int(trimmed.split(separator: " ").dropFirst().first ?? "") ?? 0
                headers = []
            } else if let colon = trimmed.firstIndex(of: ":") {
                let name = String(trimmed[..<colon]).trimmingCharacters(in: .whitespaces)
                let value = String(trimmed[trimmed.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                headers.append(HTTPHeader(name, value))
            }
        }

        func sendHead() {
            guard !headSent else { return }
            headSent = true
            continuation.yield(.head(HTTPResponseHead(status: status, headers: headers)))
        }

        func finish(_ outcome: Result<Void, HTTPClientError>) {
            switch outcome {
            case .success:
                sendHead()
                continuation.finish()
            case .failure(let error):
                continuation.finish(throwing: error)
            }
        }
    }

    static func perform(_ request: HTTPRequest, _ transfer: Transfer) -> Result<Void, HTTPClientError> {
        _ = globalInit
        let url = request.url
        guard let curl = curl_easy_init() else { return .failure(.failed(url: url, reason: "curl_easy_init failed")) }
        defer { curl_easy_cleanup(curl) }

        var headerList: UnsafeMutablePointer<curl_slist>?
        for header in request.headers { headerList = curl_slist_append(headerList, "\(header.name): \(header.value)") }
        // curl adds "Expect: 100-continue" to larger POSTs; our peers answer directly.
        headerList = curl_slist_append(headerList, "Expect:")
        defer { curl_slist_free_all(headerList) }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

        mowai_curl_setopt_string(curl, CURLOPT_URL, url)
        mowai_curl_setopt_string(curl, CURLOPT_CUSTOMREQUEST, request.method)
        mowai_curl_setopt_pointer(curl, CURLOPT_HTTPHEADER, headerList)
        mowai_curl_setopt_long(curl, CURLOPT_NOSIGNAL, 1)
        mowai_curl_setopt_long(curl, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(request.timeouts.connect))
        if let total = request.timeouts.total { mowai_curl_setopt_long(curl, CURLOPT_TIMEOUT_MS, milliseconds(total)) }
        if let file = request.certificateAuthorityFile { mowai_curl_setopt_string(curl, CURLOPT_CAINFO, file) }

        let context = Unmanaged.passUnretained(transfer).toOpaque()
        mowai_curl_setopt_header_function(curl) { data, size, count, context in
            guard let data, let context else { return 0 }
            let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
            transfer.lastActivity = .now
            transfer.header(line: String(decoding: UnsafeRawBufferPointer(start: data, count: size * count), as: UTF8.self))
            return size * count
        }
        mowai_curl_setopt_pointer(curl, CURLOPT_HEADERDATA, context)
        mowai_curl_setopt_write_function(curl) { data, size, count, context in
            guard let data, let context else { return 0 }
            let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
            if transfer.isCancelled { return 0 }  // curl aborts the transfer
            transfer.lastActivity = .now
            transfer.sendHead()
            transfer.continuation.yield(.body(Array(UnsafeRawBufferPointer(start: data, count: size * count))))
            return size * count
        }
        mowai_curl_setopt_pointer(curl, CURLOPT_WRITEDATA, context)
        // The progress callback runs about once a second even while nothing arrives: it notices a
        // cancel, or the idle deadline, during a silent wait.
        mowai_curl_setopt_long(curl, CURLOPT_NOPROGRESS, 0)
        mowai_curl_setopt_progress_function(curl) { context, _, _, _, _ in
            guard let context else { return 0 }
            return Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue().shouldAbort() ? 1 : 0
        }
        mowai_curl_setopt_pointer(curl, CURLOPT_XFERINFODATA, context)

        let code: CURLcode = withExtendedLifetime(transfer) {
            errorBuffer.withUnsafeMutableBufferPointer { buffer in
                mowai_curl_setopt_pointer(curl, CURLOPT_ERRORBUFFER, buffer.baseAddress)
                if let body = request.body {
                    // COPYPOSTFIELDS: curl keeps its own copy, so the body's lifetime does not matter.
                    mowai_curl_setopt_long(curl, CURLOPT_POSTFIELDSIZE, body.count)
                    body.withUnsafeBytes { bytes in
                        _ = mowai_curl_setopt_pointer(curl, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                    }
                }
                return curl_easy_perform(curl)
            }
        }
        if transfer.isCancelled { return .failure(.cancelled(url: url)) }
        if transfer.idledOut, let idle = request.timeouts.idle {
            return .failure(.timedOut(url: url, reason: "nothing received for \(idle) s"))
        }
        guard code == CURLE_OK else {
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let reason = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            return .failure(code == CURLE_OPERATION_TIMEDOUT ? .timedOut(url: url, reason: reason) : .failed(url: url, reason: reason))
        }
        mowai_curl_getinfo_long(curl, CURLINFO_RESPONSE_CODE, &transfer.status)
        return .success(())
    }

    private static func milliseconds(_ seconds: Double) -> Int {
        Int((max(0.001, min(seconds, 86_400)) * 1000).rounded())
    }
}

/// The transfers whose threads are still in curl, so the process can wait for them before it exits.
final class LiveTransfers: Sendable {
    static let shared = LiveTransfers()
    private let transfers = Mutex<[ObjectIdentifier: HTTPClient.Transfer]>([:])

    func add(_ transfer: HTTPClient.Transfer) { transfers.withLock { $0[ObjectIdentifier(transfer)] = transfer } }
    func remove(_ transfer: HTTPClient.Transfer) { _ = transfers.withLock { $0.removeValue(forKey: ObjectIdentifier(transfer)) } }

    func abortAndWait(seconds: Double) {
        for transfer in transfers.withLock({ Array($0.values) }) { transfer.cancel() }
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while transfers.withLock({ !$0.isEmpty }) && ContinuousClock.now < deadline { usleep(1000) }
    }
}

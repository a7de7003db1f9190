import Foundation
import HTTPClient
import LLMInterface

/// A model behind a provider's HTTP API, streamed as server-sent events: OpenAI-compatible servers,
/// Anthropic's Messages API, Gemini's streamGenerateContent. Failures worth another try are retried
/// (announced as `.retrying`) until text has gone out; cancelling the consumer aborts the transfer.
public struct HostedLLM: LLM {
    let wire: any ProviderWire
    let timeouts: HTTPTimeouts
    let retry: RetryPolicy

    /// `idleSeconds`: the longest wait for the first or the next piece of an answer.
    init(wire: any ProviderWire, idleSeconds: Double, retry: RetryPolicy) {
        self.wire = wire
        timeouts = HTTPTimeouts(connect: 10, total: nil, idle: idleSeconds)
        self.retry = retry
    }

    /// Any OpenAI-compatible server (OpenAI, `mowai serve`, llama.cpp's server, vLLM, Ollama); `baseURL`
    /// up to and including the version path ("http://host:8080/v1").
    public static func openAI(model: String, baseURL: String = ModelReference.openAIBaseURL, apiKey: String?,
                              idleSeconds: Double = 120, retry: RetryPolicy = RetryPolicy()) -> HostedLLM {
        HostedLLM(wire: OpenAIWire(model: model, baseURL: trimmed(baseURL), apiKey: apiKey), idleSeconds: idleSeconds, retry: retry)
    }

    /// Anthropic's Messages API.
    public static func anthropic(model: String, baseURL: String = ModelReference.anthropicBaseURL, apiKey: String?,
                                 idleSeconds: Double = 120, retry: RetryPolicy = RetryPolicy()) -> HostedLLM {
        HostedLLM(wire: AnthropicWire(model: model, baseURL: trimmed(baseURL), apiKey: apiKey), idleSeconds: idleSeconds, retry: retry)
    }

    /// Google's Gemini API.
    public static func gemini(model: String, baseURL: String = ModelReference.geminiBaseURL, apiKey: String?,
                              idleSeconds: Double = 120, retry: RetryPolicy = RetryPolicy()) -> HostedLLM {
        HostedLLM(wire: GeminiWire(model: model, baseURL: trimmed(baseURL), apiKey: apiKey), idleSeconds: idleSeconds, retry: retry)
    }

    private static func trimmed(_ url: String) -> String { url.hasSuffix("/") ? String(url.dropLast()) : url }

    public var name: String { wire.name }

    public func generate(_ request: GenerationRequest) -> AsyncThrowingStream<GenerationEvent, any Error> {
        let (events, continuation) = AsyncThrowingStream<GenerationEvent, any Error>.makeStream()
        let task = Task {
            do {
                try await run(request, into: continuation)
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return events
    }

    /// Attempts until one succeeds, fails for good, or the policy gives up; each retry is announced.
    private func run(_ request: GenerationRequest, into output: AsyncThrowingStream<GenerationEvent, any Error>.Continuation) async throws {
        var attempt = 1
        while true {
            do {
                return try await attemptOnce(request, into: output)
            } catch let failure as AttemptFailure {
                guard failure.retryable,
                      let delay = retry.delay(before: attempt + 1, retryAfter: failure.retryAfter, jitter: Double.random(in: 0..<1))
                else { throw failure.error }
                attempt += 1
                output.yield(.retrying(attempt: attempt, maxAttempts: retry.attempts, delay: delay, reason: failure.error.description))
                try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            }
        }
    }

    private func attemptOnce(_ request: GenerationRequest,
                             into output: AsyncThrowingStream<GenerationEvent, any Error>.Continuation) async throws {
        let http = try wire.httpRequest(for: request, timeouts: timeouts)
        var reader = CompletionStream(wire: wire)
        do {
            for try await event in HTTPClient.stream(http) {
                for generated in try reader.read(event) { output.yield(generated) }
                if reader.isDone { break }
            }
        } catch let error as HTTPClientError {
            if Task.isCancelled { return }
            // Once text has gone out, trying again would repeat it: only a silent failure is retried.
            throw AttemptFailure(error: ProviderErrors.error(error, idle: timeouts.idle ?? 0), retryable: !reader.sentText)
        } catch let error as LLMError {
            throw AttemptFailure(error: error, retryable: false)
        }
        if Task.isCancelled { return }
        output.yield(try reader.finish())
    }
}

/// A streamed answer as it arrives, turned into generation events (pure: tested without sockets).
struct CompletionStream {
    let wire: any ProviderWire
    private var status = 0
    private var retryAfter: String?
    private var errorBody: [UInt8] = []
    private var parser = ServerSentEventParser()
    private var state = StreamState()
    private var pieces = 0
    var isDone: Bool { state.isDone }
    var sentText: Bool { pieces > 0 }
    static let errorBodyLimit = 64 * 1024

    init(wire: any ProviderWire) {
        self.wire = wire
    }

    mutating func read(_ event: HTTPStreamEvent) throws -> [GenerationEvent] {
        switch event {
        case .head(let head):
            status = head.status
            retryAfter = head.header("Retry-After")
            return []
        case .body(let bytes) where status != 200:
            errorBody += bytes.prefix(Self.errorBodyLimit - errorBody.count)
            return []
        case .body(let bytes):
            let events: [ServerSentEvent]
            do {
                events = try parser.feed(bytes)
            } catch {
                throw LLMError.backendFailed("\(wire.server) sent \(error)")
            }
            var generated: [GenerationEvent] = []
            for event in events where !state.isDone {
                let read = try wire.read(event, into: &state)
                pieces += read.count { if case .text = $0 { true } else { false } }
                generated += read
            }
            return generated
        }
    }

    /// The closing event, or why there is none (an `AttemptFailure`): an error status, a refusal, or a
    /// stream cut short.
    func finish() throws(AttemptFailure) -> GenerationEvent {
        guard status == 200 else {
            let error = ProviderErrors.error(status: status, retryAfter: retryAfter,
                                             message: ProviderErrors.message(in: errorBody), server: wire.server)
            throw AttemptFailure(error: error, retryable: ProviderErrors.retryable(status: status),
                                 retryAfter: retryAfter.flatMap(ProviderErrors.seconds(retryAfter:)))
        }
        if let refusal = state.refusal { throw AttemptFailure(error: .refused(refusal), retryable: false) }
        guard let finish = state.finish else {
            throw AttemptFailure(error: .network("the answer from \(wire.server) was cut off before its end"), retryable: !sentText)
        }
        return .finished(finish, GenerationUsage(promptTokens: state.promptTokens ?? 0, generatedTokens: state.generatedTokens ?? pieces))
    }
}

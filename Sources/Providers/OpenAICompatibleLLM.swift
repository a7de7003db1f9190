import Foundation
import HTTPClient
import LLMInterface

/// A model behind an OpenAI-compatible API (OpenAI, `mowai serve`, llama.cpp's server, vLLM, Ollama):
/// chat prompts go to `/chat/completions`, plain text to `/completions`, both streamed as server-sent
/// events until `data: [DONE]`. Cancelling the consumer aborts the transfer.
public struct OpenAICompatibleLLM: LLM {
    public let model: String
    /// Up to and including the API's version path: "https://api.openai.com/v1", "http://host:8080/v1".
    public let baseURL: String
    let apiKey: String?
    let timeouts: HTTPTimeouts
    let retry: RetryPolicy

    /// `idleSeconds`: the longest wait for the first or the next piece of an answer.
    public init(model: String, baseURL: String, apiKey: String?, idleSeconds: Double = 120, retry: RetryPolicy = RetryPolicy()) {
        self.model = model
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        timeouts = HTTPTimeouts(connect: 10, total: nil, idle: idleSeconds)
        self.retry = retry
    }

    public var name: String { ModelReference.openAI(model: model, baseURL: baseURL).description }

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
                output.yield(.retrying(attempt: attempt, delay: delay, reason: failure.error.description))
                try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            }
        }
    }

    private func attemptOnce(_ request: GenerationRequest,
                             into output: AsyncThrowingStream<GenerationEvent, any Error>.Continuation) async throws {
        let path: String
        switch request.prompt {
        case .chat: path = "/chat/completions"
        case .text: path = "/completions"
        }
        var headers = [HTTPHeader("Content-Type", "application/json"), HTTPHeader("Accept", "text/event-stream")]
        if let apiKey { headers.append(HTTPHeader("Authorization", "Bearer \(apiKey)")) }
        let body = try JSONEncoder().encode(OpenAIWire.Request(model: model, request: request))
        let http = HTTPRequest("POST", baseURL + path, headers: headers, body: Array(body), timeouts: timeouts)
        var reader = CompletionStream(server: baseURL)
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

/// A streamed completion as it arrives, turned into generation events (pure: tested without sockets).
struct CompletionStream {
    let server: String
    private var status = 0
    private var retryAfter: String?
    private var errorBody: [UInt8] = []
    private var parser = ServerSentEventParser()
    private var finishReason: String?
    private var usage: OpenAIWire.Usage?
    private var pieces = 0
    private(set) var isDone = false
    var sentText: Bool { pieces > 0 }
    static let errorBodyLimit = 64 * 1024

    init(server: String) {
        self.server = server
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
                throw LLMError.backendFailed("\(server) sent \(error)")
            }
            var generated: [GenerationEvent] = []
            for event in events where !isDone {
                generated += try read(event)
            }
            return generated
        }
    }

    private mutating func read(_ event: ServerSentEvent) throws -> [GenerationEvent] {
        if event.data == "[DONE]" {
            isDone = true
            return []
        }
        let chunk: OpenAIWire.Chunk
        do {
            chunk = try JSONDecoder().decode(OpenAIWire.Chunk.self, from: Data(event.data.utf8))
        } catch {
            if let failure = try? JSONDecoder().decode(OpenAIWire.ErrorBody.self, from: Data(event.data.utf8)) {
                throw LLMError.backendFailed("\(server) failed mid-answer: \(failure.error.message.prefix(300))")
            }
            throw LLMError.backendFailed("\(server) sent a malformed event: \(event.data.prefix(80))")
        }
        if let usage = chunk.usage { self.usage = usage }
        var generated: [GenerationEvent] = []
        for choice in chunk.choices?.prefix(1) ?? [] {
            if let text = choice.delta?.content ?? choice.text, !text.isEmpty {
                pieces += 1
                generated.append(.text(text))
            }
            if let reason = choice.finish_reason { finishReason = reason }
        }
        return generated
    }

    /// The closing event, or why there is none (an `AttemptFailure`): an error status, a refusal, or a
    /// stream cut short.
    func finish() throws(AttemptFailure) -> GenerationEvent {
        guard status == 200 else {
            let error = ProviderErrors.error(status: status, retryAfter: retryAfter,
                                             message: ProviderErrors.message(in: errorBody), server: server)
            throw AttemptFailure(error: error, retryable: ProviderErrors.retryable(status: status),
                                 retryAfter: retryAfter.flatMap(ProviderErrors.seconds(retryAfter:)))
        }
        guard isDone || finishReason != nil else {
            throw AttemptFailure(error: .network("the answer from \(server) was cut off before its end"), retryable: !sentText)
        }
        let usage = GenerationUsage(promptTokens: usage?.prompt_tokens ?? 0, generatedTokens: usage?.completion_tokens ?? pieces)
        switch finishReason {
        case "length": return .finished(.maxTokens, usage)
        case "content_filter": throw AttemptFailure(error: .refused("\(server) filtered the answer"), retryable: false)
        default: return .finished(.endOfText, usage)
        }
    }
}

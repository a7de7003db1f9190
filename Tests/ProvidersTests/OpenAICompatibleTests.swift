import EndToEndSupport
import Foundation
import LLMInterface
import Providers
import Testing

/// The OpenAI-compatible provider against the scripted server's chat completions, over real HTTP.
@Suite("OpenAI-compatible provider")
struct OpenAICompatibleTests {
    static func request(_ text: String, maxTokens: Int = 64) -> GenerationRequest {
        GenerationRequest(prompt: .chat([ChatMessage(role: "system", content: "Be brief."), ChatMessage(role: "user", content: text)]),
                          maxTokens: maxTokens)
    }

    static func collect(_ llm: some LLM, _ request: GenerationRequest) async -> (text: String, finished: GenerationEvent?, error: (any Error)?) {
        var text = "", finished: GenerationEvent?
        do {
            for try await event in llm.generate(request) {
                switch event {
                case .text(let piece): text += piece
                case .retrying: break
                case .finished: finished = event
                }
            }
        } catch {
            return (text, finished, error)
        }
        return (text, finished, nil)
    }

    @Test("a streamed answer arrives as text pieces, then the finish with the server's usage")
    func streams() async throws {
        let server = try ScriptedHTTPServer()
        let llm = HostedLLM.openAI(model: "echo", baseURL: server.baseURL + "/v1", apiKey: "k")
        let answer = await Self.collect(llm, Self.request("the quick brown fox"))
        #expect(answer.error == nil && answer.text == "the quick brown fox")
        #expect(answer.finished == .finished(.endOfText, GenerationUsage(promptTokens: 11, generatedTokens: 4)))
        let short = await Self.collect(llm, Self.request("one two three", maxTokens: 2))
        #expect(short.text == "one two" && short.finished == .finished(.maxTokens, GenerationUsage(promptTokens: 11, generatedTokens: 2)))
        #expect(llm.name == "openai:echo@\(server.baseURL)/v1")
        // A plain text prompt goes to /completions and comes back as choices[0].text.
        let text = await Self.collect(llm, GenerationRequest(prompt: .text("once upon a time")))
        #expect(text.text == "once upon a time" && text.finished == .finished(.endOfText, GenerationUsage(promptTokens: 3, generatedTokens: 4)))
        #expect(server.output.contains("request /v1/completions"))
    }

    @Test("401, 429 with Retry-After, 500 and an unknown model are typed errors with the server's words")
    func failures() async throws {
        let server = try ScriptedHTTPServer()
        let url = server.baseURL + "/v1"
        let wrongKey = await Self.collect(HostedLLM.openAI(model: "echo", baseURL: url, apiKey: "wrong", retry: .none), Self.request("hi"))
        #expect(wrongKey.error as? LLMError == .unauthorized("HTTP 401 from \(url): Incorrect API key provided"))
        let limited = await Self.collect(HostedLLM.openAI(model: "fail-429", baseURL: url, apiKey: nil, retry: .none), Self.request("hi"))
        #expect(limited.error as? LLMError == .rateLimited(retryAfter: 3))
        let broken = await Self.collect(HostedLLM.openAI(model: "fail-500", baseURL: url, apiKey: nil, retry: .none), Self.request("hi"))
        #expect(broken.error as? LLMError == .backendFailed("HTTP 500 from \(url): The server had an error"))
        let unknown = await Self.collect(HostedLLM.openAI(model: "no-such", baseURL: url, apiKey: nil, retry: .none), Self.request("hi"))
        #expect(unknown.error as? LLMError == .invalidRequest("HTTP 404 from \(url): The model 'no-such' does not exist"))
    }

    @Test("a stream cut before its end, a malformed event and a refused connection keep the text so far and say what happened")
    func brokenStreams() async throws {
        let server = try ScriptedHTTPServer()
        let url = server.baseURL + "/v1"
        let cut = await Self.collect(HostedLLM.openAI(model: "cut", baseURL: url, apiKey: nil, retry: .none), Self.request("alpha beta gamma"))
        #expect(cut.text == "alpha beta" && cut.error as? LLMError == .network("the answer from \(url) was cut off before its end"))
        let malformed = await Self.collect(HostedLLM.openAI(model: "malformed", baseURL: url, apiKey: nil, retry: .none), Self.request("alpha beta"))
        #expect(malformed.text == "alpha" && malformed.error as? LLMError == .backendFailed("\(url) sent a malformed event: {not json"))
        let refused = await Self.collect(HostedLLM.openAI(model: "echo", baseURL: "http://127.0.0.1:1/v1", apiKey: nil, retry: .none), Self.request("hi"))
        guard case .network? = refused.error as? LLMError else { Issue.record("not a network error: \(String(describing: refused.error))"); return }
    }

    @Test("503s and a refused connection are retried with announced waits; a wrong key is not; a long Retry-After is not waited for")
    func retries() async throws {
        let server = try ScriptedHTTPServer()
        let url = server.baseURL + "/v1"
        let fast = RetryPolicy(attempts: 4, baseDelay: 0.01, maxDelay: 1)
        var events: [GenerationEvent] = []
        for try await event in HostedLLM.openAI(model: "flaky-2", baseURL: url, apiKey: nil, retry: fast).generate(Self.request("at last")) {
            events.append(event)
        }
        let retries = events.compactMap { event -> Int? in
            if case .retrying(let attempt, let most, let delay, let reason) = event {
                #expect(most == 4 && delay >= 0.005 && delay <= 1 && reason == "HTTP 503 from \(url): Overloaded, try again")
                return attempt
            }
            return nil
        }
        #expect(retries == [2, 3] && events.contains(.text("at")) && events.last.map { if case .finished = $0 { true } else { false } } == true)

        // Out of attempts: the last failure stands.
        let exhausted = await Self.collect(HostedLLM.openAI(model: "flaky-9", baseURL: url, apiKey: nil, retry: RetryPolicy(attempts: 2, baseDelay: 0.01)),
                                           Self.request("x"))
        #expect(exhausted.error as? LLMError == .backendFailed("HTTP 503 from \(url): Overloaded, try again"))
        // Retry-After 3 beyond a 1 s cap: given up at once rather than waited for.
        let clock = ContinuousClock(), started = clock.now
        let patient = await Self.collect(HostedLLM.openAI(model: "fail-429", baseURL: url, apiKey: nil, retry: fast), Self.request("x"))
        #expect(patient.error as? LLMError == .rateLimited(retryAfter: 3) && clock.now - started < .seconds(2))
        let wrongKey = await Self.collect(HostedLLM.openAI(model: "echo", baseURL: url, apiKey: "wrong", retry: fast), Self.request("x"))
        #expect(wrongKey.error.map { "\($0)" }?.contains("unauthorized") == true)
        #expect(server.output.components(separatedBy: "request /v1/chat/completions").count - 1 == 3 + 2 + 1 + 1)
    }

    @Test("the policy: doubling backoff in the upper half of each step, capped; Retry-After honoured up to the cap")
    func policy() {
        let policy = RetryPolicy(attempts: 4, baseDelay: 0.5, maxDelay: 3)
        #expect(policy.delay(before: 2, retryAfter: nil, jitter: 0) == 0.25 && policy.delay(before: 2, retryAfter: nil, jitter: 1) == 0.5)
        #expect(policy.delay(before: 3, retryAfter: nil, jitter: 1) == 1 && policy.delay(before: 4, retryAfter: nil, jitter: 1) == 2)
        #expect(policy.delay(before: 5, retryAfter: nil, jitter: 1) == nil)
        #expect(policy.delay(before: 2, retryAfter: 2.5, jitter: 0.3) == 2.5 && policy.delay(before: 2, retryAfter: 60, jitter: 0) == nil)
        #expect(RetryPolicy(attempts: 9, baseDelay: 1, maxDelay: 3).delay(before: 9, retryAfter: nil, jitter: 1) == 3)
        #expect(RetryPolicy.none.delay(before: 2, retryAfter: nil, jitter: 0) == nil)
    }

    @Test("dropping the stream mid-answer hangs up on the server")
    func cancellation() async throws {
        let server = try ScriptedHTTPServer()
        let llm = HostedLLM.openAI(model: "echo", baseURL: server.baseURL + "/v1", apiKey: nil)
        let words = (0..<400).map { "w\($0)" }.joined(separator: " ")
        for try await event in llm.generate(Self.request(words, maxTokens: 1000)) {
            if case .text = event { break }
        }
        #expect(try await eventually(within: 5) { server.output.contains("gone /v1/chat/completions") }, "\(server.output)")
    }
}

/// `mowai generate --model openai:…` on the real binary.
@Suite("mowai generate with a hosted model")
struct HostedGenerateTests {
    @Test("the answer streams to stdout; the key comes from a file or the environment; refusals are one line and status 1")
    func generate() throws {
        let server = try ScriptedHTTPServer()
        let model = "openai:echo@\(server.baseURL)/v1"
        let answer = try MowaiCommand.run(["generate", "--model", model, "--chat", "--prompt", "hello from the other side"])
        #expect(answer.status == 0 && answer.output == "hello from the other side\n", "\(answer.errors)")

        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("mowai-key-\(UUID().uuidString)")
        try "wrong\n".write(to: keyFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: keyFile) }
        let fromFile = try MowaiCommand.run(["generate", "--model", model, "--api-key-file", keyFile.path, "--chat", "--prompt", "hi"])
        #expect(fromFile.status == 1 && fromFile.errors.contains("unauthorized: HTTP 401") && !fromFile.errors.contains("wrong"))
        let fromEnvironment = try MowaiCommand.run(["generate", "--model", model, "--chat", "--prompt", "hi"],
                                                   extraEnvironment: ["OPENAI_API_KEY": "wrong"])
        #expect(fromEnvironment.status == 1 && fromEnvironment.errors.contains("(check the API key)"))

        // Retry-After 0: three retries at once, each announced, then the failure.
        let limited = try MowaiCommand.run(["generate", "--model", "openai:fail-429-0@\(server.baseURL)/v1", "--chat", "--prompt", "hi"])
        #expect(limited.status == 1 && limited.errors == """
            mowai: rate limited: the server asks to wait 0 s; attempt 2 of 4 in 0.0 s
            mowai: rate limited: the server asks to wait 0 s; attempt 3 of 4 in 0.0 s
            mowai: rate limited: the server asks to wait 0 s; attempt 4 of 4 in 0.0 s
            mowai: rate limited: the server asks to wait 0 s

            """, "\(limited.errors)")
        let keyless = try MowaiCommand.run(["generate", "--model", "openai:gpt-4o", "--prompt", "hi"], extraEnvironment: ["OPENAI_API_KEY": ""])
        #expect(keyless.status == 1 && keyless.errors.contains("needs an API key: set OPENAI_API_KEY or pass --api-key-file"))
        let keylessGemini = try MowaiCommand.run(["generate", "--model", "gemini:gemini-2.5-flash", "--prompt", "hi"],
                                                 extraEnvironment: ["GEMINI_API_KEY": "", "GOOGLE_API_KEY": ""])
        #expect(keylessGemini.status == 1 && keylessGemini.errors.contains("needs an API key: set GEMINI_API_KEY or GOOGLE_API_KEY"))
    }
}

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
        let llm = OpenAICompatibleLLM(model: "echo", baseURL: server.baseURL + "/v1", apiKey: "k")
        let answer = await Self.collect(llm, Self.request("the quick brown fox"))
        #expect(answer.error == nil && answer.text == "the quick brown fox")
        #expect(answer.finished == .finished(.endOfText, GenerationUsage(promptTokens: 11, generatedTokens: 4)))
        let short = await Self.collect(llm, Self.request("one two three", maxTokens: 2))
        #expect(short.text == "one two" && short.finished == .finished(.maxTokens, GenerationUsage(promptTokens: 11, generatedTokens: 2)))
        #expect(llm.name == "openai:echo@\(server.baseURL)/v1")
    }

    @Test("401, 429 with Retry-After, 500 and an unknown model are typed errors with the server's words")
    func failures() async throws {
        let server = try ScriptedHTTPServer()
        let url = server.baseURL + "/v1"
        let wrongKey = await Self.collect(OpenAICompatibleLLM(model: "echo", baseURL: url, apiKey: "wrong"), Self.request("hi"))
        #expect(wrongKey.error as? LLMError == .unauthorized("HTTP 401 from \(url): Incorrect API key provided"))
        let limited = await Self.collect(OpenAICompatibleLLM(model: "fail-429", baseURL: url, apiKey: nil), Self.request("hi"))
        #expect(limited.error as? LLMError == .rateLimited(retryAfter: 3))
        let broken = await Self.collect(OpenAICompatibleLLM(model: "fail-500", baseURL: url, apiKey: nil), Self.request("hi"))
        #expect(broken.error as? LLMError == .backendFailed("HTTP 500 from \(url): The server had an error"))
        let unknown = await Self.collect(OpenAICompatibleLLM(model: "no-such", baseURL: url, apiKey: nil), Self.request("hi"))
        #expect(unknown.error as? LLMError == .invalidRequest("HTTP 404 from \(url): The model 'no-such' does not exist"))
    }

    @Test("a stream cut before its end, a malformed event and a refused connection keep the text so far and say what happened")
    func brokenStreams() async throws {
        let server = try ScriptedHTTPServer()
        let url = server.baseURL + "/v1"
        let cut = await Self.collect(OpenAICompatibleLLM(model: "cut", baseURL: url, apiKey: nil), Self.request("alpha beta gamma"))
        #expect(cut.text == "alpha beta" && cut.error as? LLMError == .network("the answer from \(url) was cut off before its end"))
        let malformed = await Self.collect(OpenAICompatibleLLM(model: "malformed", baseURL: url, apiKey: nil), Self.request("alpha beta"))
        #expect(malformed.text == "alpha" && malformed.error as? LLMError == .backendFailed("\(url) sent a malformed event: {not json"))
        let refused = await Self.collect(OpenAICompatibleLLM(model: "echo", baseURL: "http://127.0.0.1:1/v1", apiKey: nil), Self.request("hi"))
        guard case .network? = refused.error as? LLMError else { Issue.record("not a network error: \(String(describing: refused.error))"); return }
    }

    @Test("dropping the stream mid-answer hangs up on the server")
    func cancellation() async throws {
        let server = try ScriptedHTTPServer()
        let llm = OpenAICompatibleLLM(model: "echo", baseURL: server.baseURL + "/v1", apiKey: nil)
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

        let limited = try MowaiCommand.run(["generate", "--model", "openai:fail-429@\(server.baseURL)/v1", "--chat", "--prompt", "hi"])
        #expect(limited.status == 1 && limited.errors == "mowai: rate limited: the server asks to wait 3 s\n")
        let keyless = try MowaiCommand.run(["generate", "--model", "openai:gpt-4o", "--prompt", "hi"], extraEnvironment: ["OPENAI_API_KEY": ""])
        #expect(keyless.status == 1 && keyless.errors.contains("needs an API key: set OPENAI_API_KEY or pass --api-key-file"))
        let unbuilt = try MowaiCommand.run(["generate", "--model", "gemini:gemini-2.5-flash", "--prompt", "hi"])
        #expect(unbuilt.status == 1 && unbuilt.errors.contains("not built yet"))
    }
}

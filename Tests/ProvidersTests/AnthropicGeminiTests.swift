import EndToEndSupport
import LLMInterface
import Providers
import Testing

/// Anthropic's and Gemini's streaming formats, as their documentation gives them, from the scripted server.
@Suite("Anthropic and Gemini providers")
struct AnthropicGeminiTests {
    static func request(_ text: String, maxTokens: Int = 64) -> GenerationRequest {
        GenerationRequest(prompt: .chat([ChatMessage(role: "system", content: "Be brief."), ChatMessage(role: "user", content: text)]),
                          maxTokens: maxTokens)
    }

    @Test("Anthropic: deltas become text; pings and block events pass; usage and stop reasons come through")
    func anthropic() async throws {
        let server = try ScriptedHTTPServer()
        let llm = HostedLLM.anthropic(model: "echo", baseURL: server.baseURL, apiKey: "k", retry: .none)
        let answer = await OpenAICompatibleTests.collect(llm, Self.request("every word counts"))
        #expect(answer.error == nil && answer.text == "every word counts")
        #expect(answer.finished == .finished(.endOfText, GenerationUsage(promptTokens: 9, generatedTokens: 3)))
        let short = await OpenAICompatibleTests.collect(llm, Self.request("one two three", maxTokens: 1))
        #expect(short.text == "one" && short.finished == .finished(.maxTokens, GenerationUsage(promptTokens: 9, generatedTokens: 1)))
        #expect(llm.name == "anthropic:echo@\(server.baseURL)")
    }

    @Test("Anthropic: a wrong key, an error event mid-stream and a refusal are typed errors")
    func anthropicFailures() async throws {
        let server = try ScriptedHTTPServer()
        let wrong = await OpenAICompatibleTests.collect(HostedLLM.anthropic(model: "echo", baseURL: server.baseURL, apiKey: "wrong", retry: .none),
                                                        Self.request("hi"))
        #expect(wrong.error as? LLMError == .unauthorized("HTTP 401 from \(server.baseURL): invalid x-api-key"))
        let overloaded = await OpenAICompatibleTests.collect(HostedLLM.anthropic(model: "overloaded", baseURL: server.baseURL, apiKey: nil),
                                                             Self.request("alpha beta"))
        #expect(overloaded.text == "alpha")
        #expect(overloaded.error as? LLMError == .backendFailed("\(server.baseURL) failed mid-answer: overloaded_error: Overloaded"))
        let refused = await OpenAICompatibleTests.collect(HostedLLM.anthropic(model: "refuse", baseURL: server.baseURL, apiKey: nil),
                                                          Self.request("no"))
        #expect(refused.error as? LLMError == .refused("\(server.baseURL) declined to answer"))
    }

    @Test("Gemini: candidates' parts become text; the finish reason and usage metadata come through; SAFETY is a refusal")
    func gemini() async throws {
        let server = try ScriptedHTTPServer()
        let llm = HostedLLM.gemini(model: "echo", baseURL: server.baseURL, apiKey: "k", retry: .none)
        let answer = await OpenAICompatibleTests.collect(llm, Self.request("light travels fast"))
        #expect(answer.error == nil && answer.text == "light travels fast")
        #expect(answer.finished == .finished(.endOfText, GenerationUsage(promptTokens: 7, generatedTokens: 3)))
        let short = await OpenAICompatibleTests.collect(llm, Self.request("one two three", maxTokens: 2))
        #expect(short.finished == .finished(.maxTokens, GenerationUsage(promptTokens: 7, generatedTokens: 2)))
        let safety = await OpenAICompatibleTests.collect(HostedLLM.gemini(model: "safety", baseURL: server.baseURL, apiKey: "k"),
                                                         Self.request("something"))
        #expect(safety.text == "something" && safety.error as? LLMError == .refused("\(server.baseURL) stopped the answer (SAFETY)"))
        let wrong = await OpenAICompatibleTests.collect(HostedLLM.gemini(model: "echo", baseURL: server.baseURL, apiKey: "wrong"),
                                                        Self.request("hi"))
        #expect(wrong.error as? LLMError == .unauthorized("HTTP 400 from \(server.baseURL): API key not valid. Please pass a valid API key."))
        #expect(server.output.contains("request /v1beta/models/echo:streamGenerateContent"))
    }
}

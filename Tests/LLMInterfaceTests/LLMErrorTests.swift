import LLMInterface
import Testing

@Suite("The LLM interface")
struct LLMErrorTests {
    @Test("every error says what happened, and what to do where there is something to do")
    func wording() {
        #expect(LLMError.promptTooLong(tokens: 900, contextLength: 512).description
            == "the prompt is 900 tokens, but the context holds 512: shorten it (or raise --context)")
        #expect(LLMError.timeout(seconds: 30).description == "no answer within 30 s")
        #expect(LLMError.timeout(seconds: 2.5).description == "no answer within 2.5 s")
        #expect(LLMError.rateLimited(retryAfter: 7).description == "rate limited: the server asks to wait 7 s")
        #expect(LLMError.rateLimited(retryAfter: nil).description == "rate limited by the server")
        #expect(LLMError.unauthorized("401 from api.example.com").description
            == "unauthorized: 401 from api.example.com (check the API key)")
        #expect(LLMError.network("connection refused").description == "network: connection refused")
        #expect(LLMError.refused("safety").description == "the model refused: safety")
    }

    @Test("a request's defaults, and sampling options that make no sense are refused with the reason")
    func requestDefaults() throws {
        let request = GenerationRequest(prompt: .chat([ChatMessage(role: "user", content: "Hi")]))
        #expect(request.maxTokens == 256 && request.stopStrings.isEmpty && request.sampling == SamplingOptions())
        var options = SamplingOptions()
        options.topP = 0
        #expect(throws: SamplingError.invalid("top-p must be above 0 and at most 1")) { try options.validated() }
        #expect(try SamplingOptions.greedy.validated().temperature == 0)
    }
}

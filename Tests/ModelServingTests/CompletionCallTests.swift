import LLMInterface
@testable import ModelServing
import Testing

/// Request bodies as clients send them, well-formed and not.
@Suite("Completion requests")
struct CompletionCallTests {
    static func decode(_ json: String, kind: CompletionCall.Kind = .chat, limits: ServeLimits = ServeLimits()) -> Result<CompletionCall, ServeError> {
        CompletionCall.decode(Array(json.utf8), kind: kind, model: ServeGateTests.model, limits: limits, seed: 7)
    }

    static func refusal(_ json: String, kind: CompletionCall.Kind = .chat) -> ServeError? {
        if case .failure(let error) = decode(json, kind: kind) { return error }
        return nil
    }

    @Test("A full chat request: every parameter reaches the generation request")
    func chat() throws {
        let call = try Self.decode("""
            {"model":"tiny","messages":[{"role":"developer","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Hi "},{"type":"text","text":"there"}]},
             {"role":"assistant","content":null}],"max_tokens":12,"temperature":0.2,"top_p":0.5,"seed":-1,"stop":"END","stream":true,
             "stream_options":{"include_usage":true},"n":1,"logprobs":false,"user":"ignored","frequency_penalty":0}
            """).get()
        #expect(call.kind == .chat && call.stream && call.includeUsage)
        #expect(call.request.prompt == .chat([ChatMessage(role: "system", content: "Be brief."), ChatMessage(role: "user", content: "Hi there"),
                                              ChatMessage(role: "assistant", content: "")]))
        #expect(call.request.maxTokens == 12 && call.request.sampling.temperature == 0.2 && call.request.sampling.topP == 0.5)
        #expect(call.request.seed == UInt64.max && call.request.stopStrings == ["END"])
    }

    @Test("Defaults: the served model, the server's max_tokens, a fresh seed, no stream")
    func defaults() throws {
        let call = try Self.decode(#"{"prompt":["Once"],"max_completion_tokens":3}"#, kind: .text).get()
        #expect(call.request.prompt == .text("Once") && call.request.maxTokens == 3 && call.request.seed == 7 && !call.stream && !call.includeUsage)
        let plain = try Self.decode(#"{"model":"tiny.gguf","messages":[{"role":"user","content":"x"}]}"#).get()
        #expect(plain.request.maxTokens == ServeLimits().maxTokens)
    }

    @Test("Wrong types name the field and what it must be")
    func wrongTypes() {
        let cases: [(String, String)] = [
            (#"{"messages":"hi"}"#, "'messages' must be an array"),
            (#"{"messages":[{"role":"user","content":"x"}],"temperature":"hot"}"#, "'temperature' must be a number"),
            (#"{"messages":[{"role":"user","content":"x"}],"max_tokens":1.5}"#, "'max_tokens' must be an integer"),
            (#"{"messages":[{"role":"user","content":"x"}],"stream":"yes"}"#, "'stream' must be true or false"),
            (#"{"messages":[{"role":"user","content":"x"}],"stop":[1]}"#, "'stop' must be a string or an array of strings"),
            (#"{"messages":[{"role":"user","content":5}]}"#, "'messages[0].content' must be a string or an array of text parts"),
            (#"{"messages":[{"content":"x"}]}"#, "'messages[0].role' is required"),
            (#"[1,2]"#, "the body must be an object"),
            (#"{"messages":"#, "the body is not valid JSON"),
        ]
        for (json, message) in cases {
            let error = Self.refusal(json)
            #expect(error?.status == 400 && error?.message == message, "\(json): \(error?.message ?? "accepted")")
        }
    }

    @Test("Absurd values are refused with the allowed range")
    func absurd() {
        var limits = ServeLimits()
        limits.maxTokens = 100
        func refusal(_ json: String) -> ServeError? {
            if case .failure(let error) = Self.decode(json, limits: limits) { return error }
            return nil
        }
        let user = #""messages":[{"role":"user","content":"x"}]"#
        #expect(refusal("{\(user),\"max_tokens\":0}")?.message == "'max_tokens' must be between 1 and 100 on this server (got 0)")
        #expect(refusal("{\(user),\"max_tokens\":1000000000}")?.param == "max_tokens")
        #expect(refusal("{\(user),\"max_tokens\":1e300}")?.status == 400)
        #expect(refusal("{\(user),\"temperature\":-1}")?.param == "temperature")
        #expect(refusal("{\(user),\"temperature\":3}")?.param == "temperature")
        #expect(refusal("{\(user),\"top_p\":0}")?.param == "top_p")
        #expect(refusal("{\(user),\"n\":3}")?.param == "n")
        #expect(refusal("{\(user),\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}")?.param == "stop")
        #expect(refusal("{\(user),\"stop\":[\"\"]}")?.param == "stop")
        #expect(refusal("{\(user),\"tools\":[{\"type\":\"function\"}]}")?.param == "tools")
        #expect(refusal("{\(user),\"logprobs\":true}")?.param == "logprobs")
        #expect(refusal(#"{"messages":[]}"#)?.param == "messages")
        #expect(refusal(#"{"messages":[{"role":"tool","content":"x"}]}"#)?.param == "messages[0].role")
        #expect(refusal(#"{"messages":[{"role":"user","content":[{"type":"image_url"}]}]}"#)?.message == "only text content parts are supported (got a part of type image_url)")
    }

    @Test("An unknown model is 404 model_not_found; a text prompt on the chat endpoint (and back) is explained")
    func wrongPlace() {
        let unknown = Self.refusal(#"{"model":"gpt-4o","messages":[{"role":"user","content":"x"}]}"#)
        #expect(unknown?.status == 404 && unknown?.code == "model_not_found")
        #expect(Self.refusal(#"{"messages":[{"role":"user","content":"x"}]}"#, kind: .text)?.message == "send 'prompt' to /v1/completions; 'messages' go to /v1/chat/completions")
        #expect(Self.refusal(#"{"prompt":"x"}"#)?.message == "send 'messages' to /v1/chat/completions, not 'prompt'")
        #expect(Self.refusal(#"{"prompt":[1,2,3]}"#, kind: .text)?.message == "'prompt' must be a string or an array of one string")
        #expect(Self.refusal(#"{"prompt":""}"#, kind: .text)?.param == "prompt")
    }
}

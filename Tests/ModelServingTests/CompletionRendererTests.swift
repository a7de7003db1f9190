import Foundation
import LLMInterface
@testable import ModelServing
import Testing

/// What clients read: server-sent chunks, whole answers, and failures.
@Suite("Completion answers")
struct CompletionRendererTests {
    static func call(_ kind: CompletionCall.Kind, stream: Bool, usage: Bool = false) -> CompletionCall {
        CompletionCall(kind: kind, request: GenerationRequest(prompt: .text("x")), stream: stream, includeUsage: usage)
    }

    /// The JSON objects of the `data:` events, and whether `[DONE]` ended them.
    static func events(_ bytes: [UInt8]) -> (objects: [[String: Any]], done: Bool) {
        let text = String(decoding: bytes, as: UTF8.self)
        var objects: [[String: Any]] = []
        var done = false
        for event in text.components(separatedBy: "\n\n") where !event.isEmpty {
            #expect(event.hasPrefix("data: "))
            let data = event.dropFirst(6)
            if data == "[DONE]" { done = true; continue }
            #expect(!done, "nothing after [DONE]")
            objects.append((try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any]) ?? [:])
        }
        return (objects, done)
    }

    @Test("A streamed chat: the role once, text deltas, the finish reason, usage when asked, then [DONE]")
    func streamedChat() throws {
        var renderer = CompletionRenderer(call: Self.call(.chat, stream: true, usage: true), id: "abc", created: 5, model: "tiny")
        var bytes = renderer.text("Hel") + renderer.text("lo")
        bytes += renderer.finished(.maxTokens, GenerationUsage(promptTokens: 4, generatedTokens: 2))
        let (objects, done) = Self.events(bytes)
        #expect(done && objects.count == 4)
        let deltas = objects.prefix(2).map { (($0["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any]) ?? [:] }
        #expect(deltas[0]["role"] as? String == "assistant" && deltas[0]["content"] as? String == "Hel")
        #expect(deltas[1]["role"] == nil && deltas[1]["content"] as? String == "lo")
        #expect(objects.allSatisfy { $0["id"] as? String == "chatcmpl-abc" && $0["object"] as? String == "chat.completion.chunk" && $0["model"] as? String == "tiny" })
        #expect((objects[2]["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String == "length")
        #expect((objects[3]["choices"] as? [Any])?.isEmpty == true)
        #expect((objects[3]["usage"] as? [String: Int]) == ["prompt_tokens": 4, "completion_tokens": 2, "total_tokens": 6])
    }

    @Test("Without include_usage no usage chunk; a stop string ends with finish_reason stop")
    func streamedText() {
        var renderer = CompletionRenderer(call: Self.call(.text, stream: true), id: "t", created: 5, model: "tiny")
        let (objects, done) = Self.events(renderer.text("a") + renderer.finished(.stopString, GenerationUsage(promptTokens: 1, generatedTokens: 1)))
        #expect(done && objects.count == 2)
        #expect(objects.allSatisfy { $0["object"] as? String == "text_completion" && $0["usage"] == nil })
        #expect((objects[1]["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String == "stop")
    }

    @Test("A whole answer: nothing until the end, then one object with the text and usage")
    func whole() throws {
        var renderer = CompletionRenderer(call: Self.call(.chat, stream: false), id: "w", created: 5, model: "tiny")
        #expect(renderer.text("Hi") == [] && renderer.text("!") == [])
        let body = renderer.finished(.endOfText, GenerationUsage(promptTokens: 3, generatedTokens: 2))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(object["object"] as? String == "chat.completion")
        let choice = try #require((object["choices"] as? [[String: Any]])?.first)
        #expect((choice["message"] as? [String: String]) == ["role": "assistant", "content": "Hi!"] && choice["finish_reason"] as? String == "stop")
        #expect((object["usage"] as? [String: Int])?["total_tokens"] == 5)
    }

    @Test("Failures map to statuses: a long prompt 400 context_length_exceeded, a failed backend 500, a stop 503")
    func failures() {
        let long = CompletionRenderer.failure(LLMError.promptTooLong(tokens: 900, contextLength: 512))
        #expect(long.status == 400 && long.code == "context_length_exceeded")
        #expect(CompletionRenderer.failure(LLMError.backendFailed("GPU lost")).status == 500)
        #expect(CompletionRenderer.failure(CancellationError()).status == 503)
        let event = String(decoding: CompletionRenderer.streamedFailure(.internalError("boom")), as: UTF8.self)
        #expect(event.hasPrefix("data: {\"error\":") && event.hasSuffix("\n\n"))
    }
}

import Providers
import Testing

@Suite("Model references")
struct ModelReferenceTests {
    @Test("provider prefixes and URLs; anything else is a file")
    func parsing() throws {
        #expect(try ModelReference(parsing: "models/x.gguf") == .file("models/x.gguf"))
        #expect(try ModelReference(parsing: "openai:gpt-4o-mini") == .openAI(model: "gpt-4o-mini", baseURL: ModelReference.openAIBaseURL))
        #expect(try ModelReference(parsing: "openai:llama3.2@http://127.0.0.1:8080/v1/")
            == .openAI(model: "llama3.2", baseURL: "http://127.0.0.1:8080/v1"))
        // An "@" of the model's own stays in the name.
        #expect(try ModelReference(parsing: "openai:org@model@https://host/v1") == .openAI(model: "org@model", baseURL: "https://host/v1"))
        #expect(try ModelReference(parsing: "anthropic:claude-sonnet-4-5")
            == .anthropic(model: "claude-sonnet-4-5", baseURL: ModelReference.anthropicBaseURL))
        #expect(try ModelReference(parsing: "gemini:gemini-2.5-flash") == .gemini(model: "gemini-2.5-flash", baseURL: ModelReference.geminiBaseURL))
        #expect(try ModelReference(parsing: "anthropic:m@http://127.0.0.1:9/") == .anthropic(model: "m", baseURL: "http://127.0.0.1:9"))
        #expect(try ModelReference(parsing: "gemini:m@https://gw.example").description == "gemini:m@https://gw.example")
        #expect(try ModelReference(parsing: "openai:m@http://h:1/v1").description == "openai:m@http://h:1/v1")
        #expect(try ModelReference(parsing: "openai:m").description == "openai:m")
    }

    @Test("a missing model, spaces, controls, a host-less URL or an overlong name are refused with the reason")
    func refusals() {
        for (text, reason) in [
            ("openai:", "the model name is missing"), ("anthropic:", "the model name is missing"),
            ("openai:a b", "spaces or control characters"), ("gemini:x\u{1B}[2J", "spaces or control characters"),
            ("openai:m@http://", "has no host"), ("anthropic:m@https://", "has no host"),
            ("openai:" + String(repeating: "m", count: 300), "longer than 256 bytes"), ("", "no model named"),
        ] {
            do {
                _ = try ModelReference(parsing: text)
                Issue.record("\(text) was accepted")
            } catch {
                #expect(error.description.contains(reason), "\(text): \(error)")
                #expect(error.description.contains("openai:MODEL, anthropic:MODEL or gemini:MODEL"))
            }
        }
    }
}

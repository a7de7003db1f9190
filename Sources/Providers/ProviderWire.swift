import HTTPClient
import LLMInterface

/// One provider's API: how a generation request goes out, and how its server-sent events come back.
protocol ProviderWire: Sendable {
    /// "openai:gpt-4o-mini", as `--model` would name it.
    var name: String { get }
    /// Where errors say the answer came from.
    var server: String { get }
    func httpRequest(for request: GenerationRequest, timeouts: HTTPTimeouts) throws -> HTTPRequest
    /// The text in one event, with what it says of the end; throws `LLMError` for an event that is
    /// malformed or reports a failure.
    func read(_ event: ServerSentEvent, into state: inout StreamState) throws -> [GenerationEvent]
}

/// What a stream has said so far about its end.
struct StreamState {
    var finish: FinishReason?
    var promptTokens: Int?
    var generatedTokens: Int?
    /// The stream's own end marker came (OpenAI's [DONE], Anthropic's message_stop).
    var isDone = false
    /// A refusal the provider reported in place of (the rest of) an answer.
    var refusal: String?
}

extension GenerationRequest.Prompt {
    /// For APIs that take the system prompt apart from the conversation (Anthropic's, Gemini's): the
    /// system messages joined (nil when there are none) and the other turns; plain text is one user turn.
    var systemAndTurns: (system: String?, turns: [ChatMessage]) {
        switch self {
        case .chat(let messages):
            let system = messages.filter { $0.role == "system" }.map(\.content)
            return (system.isEmpty ? nil : system.joined(separator: "\n\n"), messages.filter { $0.role != "system" })
        case .text(let text):
            return (nil, [ChatMessage(role: "user", content: text)])
        }
    }
}

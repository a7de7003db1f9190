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

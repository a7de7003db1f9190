import LLMInterface

/// Turns one request's generation events into what its client reads: server-sent events for a
/// stream (each `data: {chunk}` and a blank line, then `data: [DONE]`), or one JSON body at the end.
public struct CompletionRenderer: Sendable {
    public let call: CompletionCall
    let id: String
    let created: Int
    let model: String
    private var text = ""
    private var sentRole = false

    /// - Parameters:
    ///   - id: unique per answer; `chatcmpl-` or `cmpl-` is put before it.
    ///   - created: seconds since 1970.
    public init(call: CompletionCall, id: String, created: Int, model: String) {
        self.call = call
        self.id = (call.kind == .chat ? "chatcmpl-" : "cmpl-") + id
        self.created = created
        self.model = model
    }

    /// What a piece of text adds to the answer: an event for a stream, nothing yet for a whole answer.
    public mutating func text(_ piece: String) -> [UInt8] {
        guard call.stream else {
            text += piece
            return []
        }
        switch call.kind {
        case .chat:
            let role = sentRole ? nil : "assistant"
            sentRole = true
            return event(ChatChunkWire(id: id, created: created, model: model,
                                       choices: [.init(delta: .init(role: role, content: piece))]))
        case .text:
            return event(TextCompletionWire(id: id, created: created, model: model, choices: [.init(text: piece)]))
        }
    }

    /// The end of the answer: the last chunk, the usage when asked for, and `[DONE]`; or the whole answer.
    public func finished(_ reason: FinishReason, _ usage: GenerationUsage) -> [UInt8] {
        let finish = Self.finishReason(reason)
        let counts = UsageWire(prompt_tokens: usage.promptTokens, completion_tokens: usage.generatedTokens,
                               total_tokens: usage.promptTokens + usage.generatedTokens)
        guard call.stream else {
            switch call.kind {
            case .chat:
                return ServeJSON.encode(ChatCompletionWire(id: id, created: created, model: model,
                                                           choices: [.init(message: .init(content: text), finish_reason: finish)],
                                                           usage: counts))
            case .text:
                return ServeJSON.encode(TextCompletionWire(id: id, created: created, model: model,
                                                           choices: [.init(text: text, finish_reason: finish)], usage: counts))
            }
        }
        var bytes: [UInt8]
        switch call.kind {
        case .chat:
            bytes = event(ChatChunkWire(id: id, created: created, model: model,
                                        choices: [.init(delta: .init(role: sentRole ? nil : "assistant"), finish_reason: finish)]))
            if call.includeUsage { bytes += event(ChatChunkWire(id: id, created: created, model: model, choices: [], usage: counts)) }
        case .text:
            bytes = event(TextCompletionWire(id: id, created: created, model: model, choices: [.init(text: "", finish_reason: finish)]))
            if call.includeUsage { bytes += event(TextCompletionWire(id: id, created: created, model: model, choices: [], usage: counts)) }
        }
        return bytes + Array("data: [DONE]\n\n".utf8)
    }

    /// A failure after a stream began: an error event in OpenAI's shape, and no `[DONE]`.
    public static func streamedFailure(_ error: ServeError) -> [UInt8] {
        Array("data: ".utf8) + error.body + Array("\n\n".utf8)
    }

    /// How a generation's failure is answered.
    public static func failure(_ error: any Error) -> ServeError {
        switch error {
        case let error as ServeError:
            return error
        case LLMError.promptTooLong(let tokens, let contextLength):
            return ServeError.invalid("the prompt is \(tokens) tokens, but this model's context holds \(contextLength): shorten it",
                                      code: "context_length_exceeded")
        case LLMError.invalidRequest(let reason):
            return ServeError.invalid(reason)
        case let error as SamplingError:
            return ServeError.invalid(error.description)
        case is CancellationError:
            return .shuttingDown
        default:
            return .internalError("the model failed: \(error)")
        }
    }

    static func finishReason(_ reason: FinishReason) -> String {
        switch reason {
        case .endOfText, .stopString: return "stop"
        case .maxTokens, .contextFull: return "length"
        }
    }

    private func event(_ chunk: some Encodable) -> [UInt8] {
        Array("data: ".utf8) + ServeJSON.encode(chunk) + Array("\n\n".utf8)
    }

    /// `GET /v1/models` and `GET /v1/models/ID`.
    public static func modelList(_ model: ServedModel) -> [UInt8] {
        ServeJSON.encode(ModelListWire(data: [.init(id: model.id, created: model.created)]))
    }

    public static func modelEntry(_ model: ServedModel) -> [UInt8] {
        ServeJSON.encode(ModelListWire.Model(id: model.id, created: model.created))
    }
}

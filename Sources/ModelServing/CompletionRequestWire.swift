import LLMInterface

/// The body of a chat or text completion request as clients send it. Fields we do not use are
/// ignored, as OpenAI-compatible servers do; those that would change the answer's shape are refused.
struct CompletionRequestWire: Decodable {
    struct Message: Decodable {
        var role: String
        var content: MessageContent?
    }

    struct StreamOptions: Decodable {
        var include_usage: Bool?
    }

    var model: String?
    var messages: [Message]?
    var prompt: PromptText?
    var max_tokens: WholeNumber?
    var max_completion_tokens: WholeNumber?
    var temperature: Double?
    var top_p: Double?
    var seed: WholeNumber?
    var stop: StopStrings?
    var stream: Bool?
    var stream_options: StreamOptions?
    var n: WholeNumber?
    var tools: [JSONAnything]?
    var logprobs: JSONAnything?

    func call(kind: CompletionCall.Kind, model served: ServedModel, limits: ServeLimits, seed fallback: UInt64) throws -> CompletionCall {
        if let model, !served.answers(to: model) { throw ServeError.unknownModel(model, served: served.id) }
        if let n, n.value != 1 { throw ServeError.invalid("'n' must be 1: this server makes one answer per request", param: "n") }
        if let tools, !tools.isEmpty { throw ServeError.invalid("tools are not supported by this server", param: "tools") }
        if let logprobs, logprobs.isSet { throw ServeError.invalid("logprobs are not supported by this server", param: "logprobs") }

        let prompt: GenerationRequest.Prompt
        switch kind {
        case .chat:
            guard messages != nil || self.prompt == nil else { throw ServeError.invalid("send 'messages' to /v1/chat/completions, not 'prompt'", param: "prompt") }
            prompt = .chat(try chatMessages(limits: limits))
        case .text:
            guard let text = self.prompt?.text else {
                throw ServeError.invalid(messages == nil ? "'prompt' is required" : "send 'prompt' to /v1/completions; 'messages' go to /v1/chat/completions", param: "prompt")
            }
            guard !text.isEmpty else { throw ServeError.invalid("'prompt' is empty", param: "prompt") }
            prompt = .text(text)
        }

        var request = GenerationRequest(prompt: prompt)
        let asked = (max_completion_tokens ?? max_tokens)?.value
        let parameter = max_completion_tokens == nil ? "max_tokens" : "max_completion_tokens"
        if let asked {
            guard (1...Int64(limits.maxTokens)).contains(asked) else {
                throw ServeError.invalid("'\(parameter)' must be between 1 and \(limits.maxTokens) on this server (got \(asked))", param: parameter)
            }
        }
        request.maxTokens = asked.map { Int($0) } ?? limits.maxTokens
        if let temperature {
            guard temperature.isFinite, (0...2).contains(temperature) else {
                throw ServeError.invalid("'temperature' must be between 0 and 2 (got \(temperature))", param: "temperature")
            }
            request.sampling.temperature = Float(temperature)
        }
        if let top_p {
            guard top_p.isFinite, top_p > 0, top_p <= 1 else {
                throw ServeError.invalid("'top_p' must be above 0 and at most 1 (got \(top_p))", param: "top_p")
            }
            request.sampling.topP = Float(top_p)
        }
        request.seed = seed.map { UInt64(bitPattern: $0.value) } ?? fallback
        if let stop {
            guard stop.strings.count <= limits.maxStopStrings else {
                throw ServeError.invalid("'stop' holds at most \(limits.maxStopStrings) strings (got \(stop.strings.count))", param: "stop")
            }
            guard stop.strings.allSatisfy({ !$0.isEmpty && $0.utf8.count <= limits.maxStopBytes }) else {
                throw ServeError.invalid("each 'stop' string must be 1 to \(limits.maxStopBytes) bytes", param: "stop")
            }
            request.stopStrings = stop.strings
        }
        let streams = stream ?? false
        return CompletionCall(kind: kind, request: request, stream: streams,
                              includeUsage: streams && (stream_options?.include_usage ?? false))
    }

    private func chatMessages(limits: ServeLimits) throws -> [ChatMessage] {
        guard let messages, !messages.isEmpty else { throw ServeError.invalid("'messages' must hold at least one message", param: "messages") }
        guard messages.count <= limits.maxMessages else {
            throw ServeError.invalid("'messages' holds at most \(limits.maxMessages) messages (got \(messages.count))", param: "messages")
        }
        return try messages.enumerated().map { index, message in
            let role: String
            switch message.role {
            case "system", "developer": role = "system"
            case "user", "assistant": role = message.role
            default:
                throw ServeError.invalid("messages[\(index)].role must be system, developer, user or assistant (got \(message.role.prefix(40)))",
                                         param: "messages[\(index)].role")
            }
            return ChatMessage(role: role, content: message.content?.text ?? "")
        }
    }
}

/// A message's content: a string, or an array of parts of which only text parts are read.
enum MessageContent: Decodable {
    case text(String)

    struct Part: Decodable {
        var type: String
        var text: String?
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
            return
        }
        guard let parts = try? container.decode([Part].self) else {
            throw DecodingError.typeMismatch(MessageContent.self, .init(codingPath: decoder.codingPath, debugDescription: "content"))
        }
        if let other = parts.first(where: { $0.type != "text" }) {
            throw ServeError.invalid("only text content parts are supported (got a part of type \(other.type.prefix(40)))")
        }
        self = .text(parts.compactMap(\.text).joined())
    }

    var text: String {
        switch self { case .text(let text): return text }
    }
}

/// An integer field. Foundation reports 1.5 or 1e300 where an Int is expected as "not valid JSON",
/// for the whole body; this names the field instead.
struct WholeNumber: Decodable {
    var value: Int64

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let value = try? container.decode(Int64.self) else {
            throw DecodingError.typeMismatch(Int.self, .init(codingPath: decoder.codingPath, debugDescription: "not an integer"))
        }
        self.value = value
    }
}

/// `stop`: one string or several.
struct StopStrings: Decodable {
    var strings: [String]

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let one = try? container.decode(String.self) {
            strings = [one]
        } else if let many = try? container.decode([String].self) {
            strings = many
        } else {
            throw DecodingError.typeMismatch(StopStrings.self, .init(codingPath: decoder.codingPath, debugDescription: "stop"))
        }
    }
}

/// A text completion's `prompt`: a string, or an array holding one (token arrays are not taken).
struct PromptText: Decodable {
    var text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let one = try? container.decode(String.self) {
            text = one
        } else if let many = try? container.decode([String].self), many.count == 1 {
            text = many[0]
        } else {
            throw DecodingError.typeMismatch(PromptText.self, .init(codingPath: decoder.codingPath, debugDescription: "prompt"))
        }
    }
}

/// Any JSON value, for fields only checked for presence.
struct JSONAnything: Decodable {
    /// False for null, false, 0 and empty values: a client that sends `"logprobs": false` asks nothing.
    var isSet: Bool

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            isSet = false
        } else if let flag = try? container.decode(Bool.self) {
            isSet = flag
        } else if let number = try? container.decode(Double.self) {
            isSet = number != 0
        } else {
            isSet = true
        }
    }
}

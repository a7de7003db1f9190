/// The answers as OpenAI's clients read them: whole (`chat.completion`, `text_completion`) or as
/// streamed chunks (`chat.completion.chunk`, `text_completion`). Field names are the API's.
struct UsageWire: Encodable, Equatable {
    var prompt_tokens: Int
    var completion_tokens: Int
    var total_tokens: Int
}

struct ChatCompletionWire: Encodable {
    struct Message: Encodable {
        var role = "assistant"
        var content: String
    }

    struct Choice: Encodable {
        var index = 0
        var message: Message
        var finish_reason: String
    }

    var id: String
    var object = "chat.completion"
    var created: Int
    var model: String
    var choices: [Choice]
    var usage: UsageWire
}

struct ChatChunkWire: Encodable {
    struct Delta: Encodable {
        var role: String?
        var content: String?
    }

    struct Choice: Encodable {
        var index = 0
        var delta: Delta
        var finish_reason: String?
    }

    var id: String
    var object = "chat.completion.chunk"
    var created: Int
    var model: String
    var choices: [Choice]
    var usage: UsageWire?
}

/// A text completion, whole or one streamed piece of it (the API uses one shape for both).
struct TextCompletionWire: Encodable {
    struct Choice: Encodable {
        var index = 0
        var text: String
        var finish_reason: String?
    }

    var id: String
    var object = "text_completion"
    var created: Int
    var model: String
    var choices: [Choice]
    var usage: UsageWire?
}

/// `GET /v1/models`.
struct ModelListWire: Encodable {
    struct Model: Encodable {
        var id: String
        var object = "model"
        var created: Int
        var owned_by = "mowai"
    }

    var object = "list"
    var data: [Model]
}

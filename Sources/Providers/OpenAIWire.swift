import LLMInterface

/// OpenAI's chat and text completion formats, as far as we send and read them (shared by the provider
/// and, later, by `mowai serve`).
enum OpenAIWire {
    struct Message: Codable, Equatable {
        var role: String
        var content: String
    }

    struct StreamOptions: Codable, Equatable {
        var include_usage: Bool
    }

    /// A chat completion (`messages`) or a text completion (`prompt`) request, always streamed.
    struct Request: Codable, Equatable {
        var model: String
        var messages: [Message]?
        var prompt: String?
        var max_tokens: Int
        var temperature: Float
        var top_p: Float
        var seed: UInt64
        var stop: [String]?
        var stream: Bool
        var stream_options: StreamOptions?

        init(model: String, request: GenerationRequest) {
            self.model = model
            switch request.prompt {
            case .chat(let messages): self.messages = messages.map { Message(role: $0.role, content: $0.content) }
            case .text(let text): prompt = text
            }
            max_tokens = request.maxTokens
            temperature = request.sampling.temperature
            top_p = request.sampling.topP
            seed = request.seed
            stop = request.stopStrings.isEmpty ? nil : Array(request.stopStrings.prefix(4))  // OpenAI takes up to 4
            stream = true
            stream_options = StreamOptions(include_usage: true)
        }
    }

    struct Usage: Codable, Equatable {
        var prompt_tokens: Int
        var completion_tokens: Int
    }

    /// One `data:` event of a streamed completion.
    struct Chunk: Codable, Equatable {
        struct Delta: Codable, Equatable {
            var content: String?
        }

        struct Choice: Codable, Equatable {
            var delta: Delta?
            var text: String?
            var finish_reason: String?
        }

        var choices: [Choice]?
        var usage: Usage?
    }

    /// `{"error": {"message": …}}`, the shape of every error answer.
    struct ErrorBody: Codable, Equatable {
        struct Detail: Codable, Equatable {
            var message: String
        }

        var error: Detail
    }
}

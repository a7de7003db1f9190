import Foundation
import HTTPClient
import LLMInterface

/// OpenAI's chat and text completion API, as far as we send and read it: chat prompts go to
/// `/chat/completions`, plain text to `/completions`, both streamed until `data: [DONE]`.
struct OpenAIWire: ProviderWire {
    let model: String
    let baseURL: String
    let apiKey: String?

    var name: String { ModelReference.openAI(model: model, baseURL: baseURL).description }
    var server: String { baseURL }

    func httpRequest(for request: GenerationRequest, timeouts: HTTPTimeouts) throws -> HTTPRequest {
        let path: String
        switch request.prompt {
        case .chat: path = "/chat/completions"
        case .text: path = "/completions"
        }
        var headers = [HTTPHeader("Content-Type", "application/json"), HTTPHeader("Accept", "text/event-stream")]
        if let apiKey { headers.append(HTTPHeader("Authorization", "Bearer \(apiKey)")) }
        let body = try JSONEncoder().encode(Request(model: model, request: request))
        return HTTPRequest("POST", baseURL + path, headers: headers, body: Array(body), timeouts: timeouts)
    }

    func read(_ event: ServerSentEvent, into state: inout StreamState) throws -> [GenerationEvent] {
        if event.data == "[DONE]" {
            state.isDone = true
            state.finish = state.finish ?? .endOfText
            return []
        }
        let chunk: Chunk
        do {
            chunk = try JSONDecoder().decode(Chunk.self, from: Data(event.data.utf8))
        } catch {
            if let failure = try? JSONDecoder().decode(ErrorBody.self, from: Data(event.data.utf8)) {
                throw LLMError.backendFailed("\(server) failed mid-answer: \(failure.error.message.prefix(300))")
            }
            throw LLMError.backendFailed("\(server) sent a malformed event: \(event.data.prefix(80))")
        }
        if let usage = chunk.usage {
            state.promptTokens = usage.prompt_tokens
            state.generatedTokens = usage.completion_tokens
        }
        var generated: [GenerationEvent] = []
        for choice in chunk.choices?.prefix(1) ?? [] {
            if let text = choice.delta?.content ?? choice.text, !text.isEmpty { generated.append(.text(text)) }
            switch choice.finish_reason {
            case "length"?: state.finish = .maxTokens
            case "content_filter"?: state.refusal = "\(server) filtered the answer"
            case .some: state.finish = .endOfText
            case nil: break
            }
        }
        return generated
    }

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

import Foundation
import HTTPClient
import LLMInterface

/// Anthropic's Messages API, streamed: `message_start` (the prompt's tokens), `content_block_delta`
/// (text), `message_delta` (the stop reason and the answer's tokens), `message_stop`; `error` events
/// report failures mid-stream.
struct AnthropicWire: ProviderWire {
    let model: String
    let baseURL: String
    let apiKey: String?
    static let version = "2023-06-01"

    var name: String { ModelReference.anthropic(model: model, baseURL: baseURL).description }
    var server: String { baseURL }

    struct Message: Codable, Equatable {
        var role: String
        var content: String
    }

    struct Request: Codable, Equatable {
        var model: String
        var system: String?
        var messages: [Message]
        var max_tokens: Int
        var temperature: Float
        var top_p: Float
        var stop_sequences: [String]?
        var stream: Bool
    }

    /// Every event's data, with the fields of those we read.
    struct Event: Codable, Equatable {
        struct Usage: Codable, Equatable {
            var input_tokens: Int?
            var output_tokens: Int?
        }

        struct Started: Codable, Equatable {
            var usage: Usage?
        }

        struct Delta: Codable, Equatable {
            var type: String?
            var text: String?
            var stop_reason: String?
        }

        struct Failure: Codable, Equatable {
            var type: String?
            var message: String
        }

        var type: String
        var message: Started?
        var delta: Delta?
        var usage: Usage?
        var error: Failure?
    }

    func httpRequest(for request: GenerationRequest, timeouts: HTTPTimeouts) throws -> HTTPRequest {
        let (system, turns) = request.prompt.systemAndTurns
        let body = Request(model: model, system: system, messages: turns.map { Message(role: $0.role, content: $0.content) },
                           max_tokens: request.maxTokens, temperature: min(request.sampling.temperature, 1), top_p: request.sampling.topP,
                           stop_sequences: request.stopStrings.isEmpty ? nil : request.stopStrings, stream: true)
        var headers = [HTTPHeader("Content-Type", "application/json"), HTTPHeader("Accept", "text/event-stream"),
                       HTTPHeader("anthropic-version", Self.version)]
        if let apiKey { headers.append(HTTPHeader("x-api-key", apiKey)) }
        return HTTPRequest("POST", baseURL + "/v1/messages", headers: headers, body: Array(try JSONEncoder().encode(body)),
                           timeouts: timeouts)
    }

    func read(_ event: ServerSentEvent, into state: inout StreamState) throws -> [GenerationEvent] {
        guard let decoded = try? JSONDecoder().decode(Event.self, from: Data(event.data.utf8)) else {
            throw LLMError.backendFailed("\(server) sent a malformed event: \(event.data.prefix(80))")
        }
        switch decoded.type {
        case "message_start":
            state.promptTokens = decoded.message?.usage?.input_tokens
        case "content_block_delta":
            if let text = decoded.delta?.text, !text.isEmpty { return [.text(text)] }
        case "message_delta":
            if let tokens = decoded.usage?.output_tokens { state.generatedTokens = tokens }
            switch decoded.delta?.stop_reason {
            case "max_tokens"?: state.finish = .maxTokens
            case "stop_sequence"?: state.finish = .stopString
            case "refusal"?: state.refusal = "\(server) declined to answer"
            case .some: state.finish = .endOfText
            case nil: break
            }
        case "message_stop":
            state.isDone = true
            state.finish = state.finish ?? .endOfText
        case "error":
            let failure = decoded.error.map { "\($0.type ?? "error"): \($0.message.prefix(300))" } ?? "an error"
            throw LLMError.backendFailed("\(server) failed mid-answer: \(failure)")
        default:
            break  // ping, content_block_start/stop and types added later
        }
        return []
    }
}

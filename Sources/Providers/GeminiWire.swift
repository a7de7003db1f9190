import Foundation
import HTTPClient
import LLMInterface

/// Google's Gemini API: `models/MODEL:streamGenerateContent?alt=sse`, each event a partial
/// `GenerateContentResponse` (text parts, a finish reason on the last, usage metadata).
struct GeminiWire: ProviderWire {
    let model: String
    let baseURL: String
    let apiKey: String?

    var name: String { ModelReference.gemini(model: model, baseURL: baseURL).description }
    var server: String { baseURL }

    struct Part: Codable, Equatable {
        var text: String?
    }

    struct Content: Codable, Equatable {
        var role: String?
        var parts: [Part]?
    }

    struct GenerationConfig: Codable, Equatable {
        var maxOutputTokens: Int
        var temperature: Float
        var topP: Float
        var seed: Int64
        var stopSequences: [String]?
    }

    struct Request: Codable, Equatable {
        var contents: [Content]
        var systemInstruction: Content?
        var generationConfig: GenerationConfig
    }

    struct Response: Codable, Equatable {
        struct Candidate: Codable, Equatable {
            var content: Content?
            var finishReason: String?
        }

        struct Feedback: Codable, Equatable {
            var blockReason: String?
        }

        struct Usage: Codable, Equatable {
            var promptTokenCount: Int?
            var candidatesTokenCount: Int?
        }

        var candidates: [Candidate]?
        var promptFeedback: Feedback?
        var usageMetadata: Usage?
    }

    func httpRequest(for request: GenerationRequest, timeouts: HTTPTimeouts) throws -> HTTPRequest {
        let (system, turns) = request.prompt.systemAndTurns
        // Gemini names the assistant "model".
        let contents = turns.map { Content(role: $0.role == "assistant" ? "model" : "user", parts: [Part(text: $0.content)]) }
        let body = Request(contents: contents, systemInstruction: system.map { Content(parts: [Part(text: $0)]) },
                           generationConfig: GenerationConfig(maxOutputTokens: request.maxTokens, temperature: request.sampling.temperature,
                                                              topP: request.sampling.topP, seed: Int64(truncatingIfNeeded: request.seed & 0x7FFF_FFFF),
                                                              stopSequences: request.stopStrings.isEmpty ? nil : Array(request.stopStrings.prefix(5))))
        var headers = [HTTPHeader("Content-Type", "application/json"), HTTPHeader("Accept", "text/event-stream")]
        if let apiKey { headers.append(HTTPHeader("x-goog-api-key", apiKey)) }
        let path = "/v1beta/models/\(model.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? model):streamGenerateContent?alt=sse"
        return HTTPRequest("POST", baseURL + path, headers: headers, body: Array(try JSONEncoder().encode(body)), timeouts: timeouts)
    }

    func read(_ event: ServerSentEvent, into state: inout StreamState) throws -> [GenerationEvent] {
        guard let response = try? JSONDecoder().decode(Response.self, from: Data(event.data.utf8)) else {
            if let failure = try? JSONDecoder().decode(OpenAIWire.ErrorBody.self, from: Data(event.data.utf8)) {
                throw LLMError.backendFailed("\(server) failed mid-answer: \(failure.error.message.prefix(300))")
            }
            throw LLMError.backendFailed("\(server) sent a malformed event: \(event.data.prefix(80))")
        }
        if let usage = response.usageMetadata {
            state.promptTokens = usage.promptTokenCount ?? state.promptTokens
            state.generatedTokens = usage.candidatesTokenCount ?? state.generatedTokens
        }
        if let blocked = response.promptFeedback?.blockReason {
            state.refusal = "\(server) blocked the prompt (\(blocked.prefix(40)))"
            state.isDone = true
            return []
        }
        guard let candidate = response.candidates?.first else { return [] }
        let text = (candidate.content?.parts ?? []).compactMap(\.text).joined()
        switch candidate.finishReason {
        case "STOP"?: state.finish = .endOfText
        case "MAX_TOKENS"?: state.finish = .maxTokens
        case "SAFETY"?, "RECITATION"?, "BLOCKLIST"?, "PROHIBITED_CONTENT"?, "SPII"?:
            state.refusal = "\(server) stopped the answer (\(candidate.finishReason ?? ""))"
        case .some: state.finish = .endOfText
        case nil: break
        }
        return text.isEmpty ? [] : [.text(text)]
    }
}

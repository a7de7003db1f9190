import Foundation
import LLMInterface

/// A completion request, decoded and checked: what the engine is asked, and how to answer.
public struct CompletionCall: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `/v1/chat/completions`: messages in, an assistant message out.
        case chat
        /// `/v1/completions`: a prompt in, its continuation out.
        case text
    }

    public var kind: Kind
    public var request: GenerationRequest
    public var stream: Bool
    /// `stream_options.include_usage`: a last chunk with the usage and no choices.
    public var includeUsage: Bool

    /// Decodes a request body. Every field is checked against `limits`; a failure names the field and
    /// what it may be. `seed` is what a request without one gets.
    public static func decode(_ body: [UInt8], kind: Kind, model: ServedModel, limits: ServeLimits,
                              seed: UInt64) -> Result<CompletionCall, ServeError> {
        let wire: CompletionRequestWire
        do {
            wire = try JSONDecoder().decode(CompletionRequestWire.self, from: Data(body))
        } catch let error as ServeError {
            // A field's own decoder refused what it holds, with its reason.
            return .failure(error)
        } catch let error as DecodingError {
            return .failure(Self.explain(error))
        } catch {
            return .failure(.invalid("the body could not be read as JSON"))
        }
        do {
            return .success(try wire.call(kind: kind, model: model, limits: limits, seed: seed))
        } catch let error as ServeError {
            return .failure(error)
        } catch {
            return .failure(.invalid("\(error)"))
        }
    }

    static func explain(_ error: DecodingError) -> ServeError {
        func field(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
        }
        switch error {
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let name = field(context.codingPath)
            return .invalid("\(name.isEmpty ? "the body" : "'\(name)'") must be \(Self.describe(type))", param: name.isEmpty ? nil : name)
        case .keyNotFound(let key, let context):
            let name = field(context.codingPath + [key])
            return .invalid("'\(name)' is required", param: name)
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return .invalid("the body is not valid JSON") }
            let name = field(context.codingPath)
            return .invalid("'\(name)' is malformed: \(context.debugDescription.prefix(200))", param: name)
        @unknown default:
            return .invalid("the body could not be read")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type, is Int64.Type, is WholeNumber.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is MessageContent.Type: return "a string or an array of text parts"
        case is StopStrings.Type: return "a string or an array of strings"
        case is PromptText.Type: return "a string or an array of one string"
        default:
            let name = "\(type)"
            if name.hasPrefix("Array") { return "an array" }
            return name.hasPrefix("Dictionary") || name.hasSuffix("Wire") || name.hasSuffix("Options") ? "an object" : "of another type"
        }
    }
}

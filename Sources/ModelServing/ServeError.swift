import Foundation

/// A request the server refuses or could not finish, as OpenAI words it: an HTTP status and
/// `{"error": {"message", "type", "param", "code"}}`. Messages say what was wrong and what is allowed.
public struct ServeError: Error, Equatable, Sendable, CustomStringConvertible {
    public var status: Int
    public var type: String
    public var code: String?
    public var param: String?
    public var message: String
    /// Seconds a client should wait before trying again (sent as `Retry-After`).
    public var retryAfter: Int?

    public init(status: Int, type: String, code: String? = nil, param: String? = nil, message: String, retryAfter: Int? = nil) {
        self.status = status
        self.type = type
        self.code = code
        self.param = param
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String { "\(status) \(type): \(message)" }

    public static func invalid(_ message: String, param: String? = nil, code: String? = nil) -> ServeError {
        ServeError(status: 400, type: "invalid_request_error", code: code, param: param, message: message)
    }

    public static let missingKey = ServeError(
        status: 401, type: "invalid_request_error", code: "invalid_api_key",
        message: "this server needs an API key: send it as \"Authorization: Bearer KEY\"")
    public static let wrongKey = ServeError(
        status: 401, type: "invalid_request_error", code: "invalid_api_key",
        message: "incorrect API key: ask the server's operator for the right one")

    public static func unknownModel(_ name: String, served: String) -> ServeError {
        ServeError(status: 404, type: "invalid_request_error", code: "model_not_found", param: "model",
                   message: "the model \(name.prefix(200)) does not exist here: this server serves \(served) (see GET /v1/models)")
    }

    public static func notFound(_ method: String, _ path: String) -> ServeError {
        ServeError(status: 404, type: "invalid_request_error", code: "unknown_url",
                   message: "unknown request URL: \(method) \(path.prefix(200)); this server answers GET /v1/models, POST /v1/chat/completions, POST /v1/completions and GET /health")
    }

    public static func wrongMethod(_ method: String, _ path: String, allowed: String) -> ServeError {
        ServeError(status: 405, type: "invalid_request_error", code: "method_not_allowed",
                   message: "\(method) is not allowed on \(path.prefix(200)): use \(allowed)")
    }

    public static func bodyTooLarge(limit: Int) -> ServeError {
        ServeError(status: 413, type: "invalid_request_error", code: "request_too_large",
                   message: "the request body is over \(limit) bytes, this server's limit")
    }

    public static let lengthRequired = ServeError(
        status: 411, type: "invalid_request_error", code: "length_required",
        message: "send the body with a Content-Length (chunked request bodies are not accepted)")

    public static func busy(queued: Int) -> ServeError {
        ServeError(status: 429, type: "rate_limit_error", code: "queue_full",
                   message: "the server is busy: \(queued) requests are already running or waiting; try again shortly",
                   retryAfter: 1)
    }

    public static func internalError(_ message: String) -> ServeError {
        ServeError(status: 500, type: "server_error", code: "internal_error", message: message)
    }

    public static let shuttingDown = ServeError(status: 503, type: "server_error", code: "shutting_down",
                                                message: "the server is shutting down")

    /// The JSON body of the answer.
    public var body: [UInt8] {
        struct Wire: Encodable {
            struct Detail: Encodable {
                var message: String
                var type: String
                var param: String?
                var code: String?
                // OpenAI always sends param and code, null when they do not apply.
                func encode(to encoder: any Encoder) throws {
                    var container = encoder.container(keyedBy: CodingKeys.self)
                    try container.encode(message, forKey: .message)
                    try container.encode(type, forKey: .type)
                    try container.encode(param, forKey: .param)
                    try container.encode(code, forKey: .code)
                }
                enum CodingKeys: String, CodingKey { case message, type, param, code }
            }
            var error: Detail
        }
        let wire = Wire(error: .init(message: message, type: type, param: param, code: code))
        return ServeJSON.encode(wire)
    }
}

enum ServeJSON {
    /// Keys in a stable order and no escaped slashes: answers are easy to read and to compare. The
    /// wire types hold only strings, numbers and optionals, which always encode.
    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(value)) ?? Data("{}".utf8))
    }
}

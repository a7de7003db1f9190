import Foundation
import HTTPClient
import LLMInterface

/// A failed attempt, and whether another might succeed: rate limits, server errors and refused or
/// dropped connections might; a wrong key, a bad request or a malformed answer will not.
struct AttemptFailure: Error {
    let error: LLMError
    let retryable: Bool
    /// The server's `Retry-After`, in seconds.
    var retryAfter: Double? = nil
}

/// How a provider's HTTP failures become `LLMError`s, worded with the server and its own message.
enum ProviderErrors {
    static func retryable(status: Int) -> Bool { status == 429 || status >= 500 }

    /// An answer other than 200: its status, `Retry-After`, and the message from its body.
    static func error(status: Int, retryAfter: String?, message: String, server: String) -> LLMError {
        let said = message.isEmpty ? "HTTP \(status) from \(server)" : "HTTP \(status) from \(server): \(message)"
        switch status {
        case 401, 403: return .unauthorized(said)
        // Google answers a bad key with 400 (reason API_KEY_INVALID) rather than 401.
        case 400 where message.localizedCaseInsensitiveContains("API key"): return .unauthorized(said)
        case 429: return .rateLimited(retryAfter: retryAfter.flatMap(seconds(retryAfter:)))
        case 400..<500: return .invalidRequest(said)
        default: return .backendFailed(said)
        }
    }

    /// A message from an error body in OpenAI's shape (or the body itself, when short and not JSON),
    /// bounded so a hostile server cannot fill the console.
    static func message(in body: [UInt8], limit: Int = 300) -> String {
        let text: String
        if let decoded = try? JSONDecoder().decode(OpenAIWire.ErrorBody.self, from: Data(body)) {
            text = decoded.error.message
        } else {
            text = String(decoding: body.prefix(limit), as: UTF8.self)
        }
        let flat = text.replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
        return flat.count > limit ? String(flat.prefix(limit)) + "…" : flat
    }

    /// `Retry-After` in seconds (the HTTP-date form is rare from APIs and is not read).
    static func seconds(retryAfter: String) -> Double? {
        guard let value = Double(retryAfter.trimmingCharacters(in: .whitespaces)), value.isFinite, value >= 0 else { return nil }
        return min(value, 3600)
    }

    /// A transport failure: no connection, a deadline, or a cut.
    static func error(_ error: HTTPClientError, idle: Double) -> LLMError {
        switch error {
        case .failed(_, let reason): return .network(reason)
        case .timedOut: return .timeout(seconds: idle)
        case .cancelled(let url): return .network("the request to \(url) was cancelled")
        }
    }
}

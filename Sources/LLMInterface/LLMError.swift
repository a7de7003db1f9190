/// Why a generation failed. Each says what happened and, where there is one, what to do about it.
public enum LLMError: Error, Equatable, CustomStringConvertible {
    case promptTooLong(tokens: Int, contextLength: Int)
    case invalidRequest(String)
    /// The backend failed under the request (a lost GPU); its text so far stands.
    case backendFailed(String)
    /// The model's server could not be reached, or the connection broke.
    case network(String)
    /// No answer (or no next piece of one) within the deadline, in seconds.
    case timeout(seconds: Double)
    /// The server asked us to slow down; `retryAfter` is its wait in seconds, when it named one.
    case rateLimited(retryAfter: Double?)
    /// The server refused the credentials (a missing, wrong or expired API key).
    case unauthorized(String)
    /// The model declined to answer (a provider's safety refusal).
    case refused(String)

    public var description: String {
        switch self {
        case .promptTooLong(let tokens, let length):
            return "the prompt is \(tokens) tokens, but the context holds \(length): shorten it (or raise --context)"
        case .invalidRequest(let reason): return "invalid request: \(reason)"
        case .backendFailed(let reason): return reason
        case .network(let reason): return "network: \(reason)"
        case .timeout(let seconds): return "no answer within \(Self.seconds(seconds))"
        case .rateLimited(let wait):
            return wait.map { "rate limited: the server asks to wait \(Self.seconds($0))" } ?? "rate limited by the server"
        case .unauthorized(let reason): return "unauthorized: \(reason) (check the API key)"
        case .refused(let reason): return "the model refused: \(reason)"
        }
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}

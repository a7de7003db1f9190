/// What a request asks for, decided from its method and path alone. `/v1` may be left out, as
/// llama.cpp's server allows; a query string is not part of the path.
public enum ServeEndpoint: Equatable, Sendable {
    case health
    case models
    case model(id: String)
    case chatCompletions
    case completions

    /// Only the completions carry a body worth reading.
    public var takesBody: Bool { self == .chatCompletions || self == .completions }
    /// Health checks answer without a key, so load balancers and probes need none.
    public var needsKey: Bool { self != .health }

    public static func route(method: String, path: String) -> Result<ServeEndpoint, ServeError> {
        var trimmed = Substring(path)
        if trimmed.hasPrefix("/v1/") { trimmed = trimmed.dropFirst(3) }
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        let endpoint: ServeEndpoint
        let allowed: String
        switch trimmed {
        case "/health", "/v1/health": (endpoint, allowed) = (.health, "GET")
        case "/models": (endpoint, allowed) = (.models, "GET")
        case "/chat/completions": (endpoint, allowed) = (.chatCompletions, "POST")
        case "/completions": (endpoint, allowed) = (.completions, "POST")
        default:
            guard trimmed.hasPrefix("/models/"), trimmed.count > 8 else { return .failure(.notFound(method, path)) }
            (endpoint, allowed) = (.model(id: String(trimmed.dropFirst(8))), "GET")
        }
        guard method == allowed else { return .failure(.wrongMethod(method, path, allowed: allowed)) }
        return .success(endpoint)
    }
}

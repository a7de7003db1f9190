/// A request's first line and the headers that decide its fate.
public struct RequestHead: Sendable, Equatable {
    public var method: String
    public var path: String
    public var authorization: String?
    public var contentLength: Int?
    public var isChunked: Bool

    public init(method: String, path: String, authorization: String? = nil, contentLength: Int? = nil, isChunked: Bool = false) {
        self.method = method
        self.path = path
        self.authorization = authorization
        self.contentLength = contentLength
        self.isChunked = isChunked
    }
}

/// What a server does with a request once its head has arrived.
public enum Admission: Sendable, Equatable {
    /// Answer at once with this JSON (a listing, a health report, or an error).
    case answer(status: Int, body: [UInt8], retryAfter: Int?)
    /// Read the body, then `call(body:…)` decides.
    case readBody(CompletionCall.Kind)

    static func refuse(_ error: ServeError) -> Admission {
        .answer(status: error.status, body: error.body, retryAfter: error.retryAfter)
    }
}

/// The server's decisions that need no model and no socket: routing, the key, the limits, the queue.
public struct ServeGate: Sendable {
    public let model: ServedModel
    public let limits: ServeLimits
    let key: APIKey?

    public init(model: ServedModel, limits: ServeLimits, key: String?) {
        self.model = model
        self.limits = limits
        self.key = key.map(APIKey.init)
    }

    /// - Parameters:
    ///   - inFlight: requests running or waiting now.
    ///   - stopping: the server is shutting down and takes nothing new.
    public func admit(_ head: RequestHead, inFlight: Int, stopping: Bool) -> Admission {
        let endpoint: ServeEndpoint
        switch ServeEndpoint.route(method: head.method, path: head.path) {
        case .success(let found): endpoint = found
        case .failure(let error): return .refuse(error)
        }
        if endpoint.needsKey, let key, let refusal = key.check(authorization: head.authorization) { return .refuse(refusal) }
        switch endpoint {
        case .health:
            let health = HealthWire(status: stopping ? "stopping" : "ok", model: model.id, requests: inFlight, max_requests: limits.maxQueued)
            return .answer(status: stopping ? 503 : 200, body: ServeJSON.encode(health), retryAfter: nil)
        case .models:
            return .answer(status: 200, body: CompletionRenderer.modelList(model), retryAfter: nil)
        case .model(let id):
            guard model.answers(to: id) else { return .refuse(.unknownModel(id, served: model.id)) }
            return .answer(status: 200, body: CompletionRenderer.modelEntry(model), retryAfter: nil)
        case .chatCompletions, .completions:
            if let length = head.contentLength, length > limits.maxBodyBytes { return .refuse(.bodyTooLarge(limit: limits.maxBodyBytes)) }
            if head.contentLength == nil && head.isChunked { return .refuse(.lengthRequired) }
            guard (head.contentLength ?? 0) > 0 else { return .refuse(.invalid("the request has no body: send the request as JSON")) }
            if stopping { return .refuse(.shuttingDown) }
            if inFlight >= limits.maxQueued { return .refuse(.busy(queued: inFlight)) }
            return .readBody(endpoint == .chatCompletions ? .chat : .text)
        }
    }

    /// Decodes a completion's body (`seed` for requests that name none).
    public func call(body: [UInt8], kind: CompletionCall.Kind, seed: UInt64) -> Result<CompletionCall, ServeError> {
        CompletionCall.decode(body, kind: kind, model: model, limits: limits, seed: seed)
    }
}

/// `GET /health`.
struct HealthWire: Encodable {
    var status: String
    var model: String
    /// Completions running or waiting.
    var requests: Int
    var max_requests: Int
}

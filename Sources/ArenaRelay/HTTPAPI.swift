import ArenaProtocol

public struct HTTPRequest: Sendable {
    public var method: String
    /// The request target; a query string is ignored.
    public var path: String
    /// The `X-Admin-Secret` header, if any.
    public var adminSecret: String?
    public var body: [UInt8]

    public init(method: String, path: String, adminSecret: String? = nil, body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.adminSecret = adminSecret
        self.body = body
    }
}

public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var body: [UInt8]
    public var contentType = "application/json"

    public init(status: Int, json: JSONValue) {
        self.status = status
        body = JSONCodec.encode(json)
    }

    public init(status: Int, text: String, contentType: String) {
        self.status = status
        body = Array(text.utf8)
        self.contentType = contentType
    }

    static func error(_ status: Int, _ message: String) -> HTTPResponse {
        HTTPResponse(status: status, json: .object(["error": .string(message)]))
    }
}

/// The arena's HTTP API, decided purely: the original's three endpoints plus our admin extension.
public enum HTTPAPI {
    /// Bodies over this size are refused with 413 (the original had no limit).
    public static let maxBodyBytes = 64 * 1024

    public static let tooLarge = HTTPResponse.error(413, "Payload too large (max \(maxBodyBytes) bytes)")

    public static func respond(to request: HTTPRequest, relay: inout Relay, at now: Moment) -> (HTTPResponse, [RelayEffect]) {
        let path = request.path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        switch (request.method, path) {
        case ("GET", "/health"):
            return (HTTPResponse(status: 200, json: .object([
                "status": .string("ok"),
                "agents": .number(Double(relay.agentCount)),
                "uptime": .number(Double(now.milliseconds(since: relay.startedAt) / 1000)),
                "spectators": .number(Double(relay.spectatorCount)),
                "arenaVersion": .string(ProtocolLimits.arenaVersion),
            ])), [])
        case ("GET", "/agents"):
            return (HTTPResponse(status: 200, json: .array(relay.agents.map(\.json))), [])
        case ("GET", "/tasks"):
            return (HTTPResponse(status: 200, json: .array(relay.tasks.map(\.json))), [])
        case ("GET", "/metrics"):
            // Counted before it is rendered, so a scrape sees itself (as Prometheus' own exporters do).
            relay.metrics.recordHTTP(path: path, status: 200)
            return (HTTPResponse(status: 200, text: MetricsText.render(relay, at: now), contentType: MetricsText.contentType), [])
        case ("POST", "/task"), ("POST", "/kick"), ("POST", "/clear-tasks"):
            return admin(path, request, relay: &relay, at: now)
        default:
            return (.error(404, "Not found"), [])
        }
    }

    private static func admin(_ path: String, _ request: HTTPRequest, relay: inout Relay, at now: Moment) -> (HTTPResponse, [RelayEffect]) {
        // The original checks the secret before reading the body; an unset secret refuses everybody.
        guard relay.config.adminSecret?.matches(request.adminSecret) == true else {
            return (.error(401, "Unauthorized"), [.log(.warn, "POST \(path) refused: wrong or missing X-Admin-Secret")])
        }
        guard request.body.count <= maxBodyBytes else { return (tooLarge, []) }
        let body: JSONObject
        if path == "/clear-tasks" && request.body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            body = [:]
        } else {
            guard let parsed = try? JSONCodec.decodeObject(request.body) else {
                return (.error(400, "Invalid JSON"), [])
            }
            // null, [] and "x" crashed or confused the original; they have no description.
            body = parsed.objectValue ?? [:]
        }

        let outcome: AdminOutcome
        switch path {
        case "/task": outcome = relay.issueTask(description: body["description"], at: now)
        case "/kick":
            guard let agentId = body["agentId"]?.stringValue, !agentId.isEmpty else { return (.error(400, "agentId is required"), []) }
            outcome = relay.kick(agentId: agentId, reason: body["reason"]?.stringValue, at: now)
            if !outcome.succeeded { return (.error(404, outcome.result["error"]?.stringValue ?? "Not found"), []) }
        default: outcome = relay.clearTasks(at: now)
        }
        guard outcome.succeeded else {
            return (.error(400, outcome.result["error"]?.stringValue ?? "Bad request"), outcome.effects)
        }
        var result = outcome.result
        result["ok"] = nil
        return (HTTPResponse(status: 200, json: .object(result)), outcome.effects)
    }
}

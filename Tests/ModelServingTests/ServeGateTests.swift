import Foundation
import LLMInterface
@testable import ModelServing
import Testing

/// Routing, keys, limits and the queue: the server's decisions before a model is involved.
@Suite("Serve gate")
struct ServeGateTests {
    static let model = ServedModel(id: "tiny", aliases: ["tiny.gguf"], created: 1_700_000_000, contextLength: 512)

    static func gate(key: String? = nil, limits: ServeLimits = ServeLimits()) -> ServeGate {
        ServeGate(model: model, limits: limits, key: key)
    }

    static func error(_ admission: Admission) -> (status: Int, error: [String: Any])? {
        guard case .answer(let status, let body, _) = admission,
              let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let error = object["error"] as? [String: Any] else { return nil }
        return (status, error)
    }

    @Test("Paths route with or without /v1; a wrong method is 405 and an unknown path 404")
    func routes() throws {
        #expect(try ServeEndpoint.route(method: "POST", path: "/v1/chat/completions").get() == .chatCompletions)
        #expect(try ServeEndpoint.route(method: "POST", path: "/chat/completions/").get() == .chatCompletions)
        #expect(try ServeEndpoint.route(method: "POST", path: "/v1/completions").get() == .completions)
        #expect(try ServeEndpoint.route(method: "GET", path: "/v1/models").get() == .models)
        #expect(try ServeEndpoint.route(method: "GET", path: "/v1/models/tiny").get() == .model(id: "tiny"))
        #expect(try ServeEndpoint.route(method: "GET", path: "/health").get() == .health)
        #expect(ServeEndpoint.route(method: "GET", path: "/v1/chat/completions") == .failure(.wrongMethod("GET", "/v1/chat/completions", allowed: "POST")))
        #expect(ServeEndpoint.route(method: "POST", path: "/v1/embeddings") == .failure(.notFound("POST", "/v1/embeddings")))
    }

    @Test("Listing and health answer at once; health needs no key")
    func listings() throws {
        let gate = Self.gate(key: "sesame")
        guard case .answer(200, let body, nil) = gate.admit(RequestHead(method: "GET", path: "/health"), inFlight: 3, stopping: false) else {
            Issue.record("health did not answer")
            return
        }
        let health = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(health["status"] as? String == "ok" && health["requests"] as? Int == 3 && health["model"] as? String == "tiny")
        let models = gate.admit(RequestHead(method: "GET", path: "/v1/models", authorization: "Bearer sesame"), inFlight: 0, stopping: false)
        guard case .answer(200, let list, nil) = models else {
            Issue.record("models did not answer")
            return
        }
        #expect(String(decoding: list, as: UTF8.self) == #"{"data":[{"created":1700000000,"id":"tiny","object":"model","owned_by":"mowai"}],"object":"list"}"#)
        #expect(Self.error(gate.admit(RequestHead(method: "GET", path: "/v1/models/other", authorization: "Bearer sesame"), inFlight: 0, stopping: false))?.status == 404)
    }

    @Test("A missing or wrong key is 401 invalid_api_key; the right one passes, whatever the scheme's case")
    func keys() {
        let gate = Self.gate(key: "sesame")
        let head = { (authorization: String?) in
            RequestHead(method: "POST", path: "/v1/chat/completions", authorization: authorization, contentLength: 10)
        }
        for wrong in [nil, "", "sesame", "Bearer", "Bearer sesam", "Bearer sesame!", "Basic sesame"] as [String?] {
            let refusal = Self.error(gate.admit(head(wrong), inFlight: 0, stopping: false))
            #expect(refusal?.status == 401 && refusal?.error["code"] as? String == "invalid_api_key", "\(wrong ?? "nil")")
        }
        #expect(gate.admit(head("Bearer sesame"), inFlight: 0, stopping: false) == .readBody(.chat))
        #expect(gate.admit(head("bearer  sesame "), inFlight: 0, stopping: false) == .readBody(.chat))
        #expect(APIKey("abc").matches(Array("abc".utf8)))
        #expect(!APIKey("abc").matches(Array("abd".utf8)) && !APIKey("abc").matches(Array("abcd".utf8)) && !APIKey("abc").matches([]))
    }

    @Test("Bodies over the limit are 413, chunked ones 411, empty ones 400; a full queue is 429 with Retry-After")
    func limits() {
        var limits = ServeLimits()
        limits.maxBodyBytes = 100
        limits.maxQueued = 2
        let gate = Self.gate(limits: limits)
        let post = { (length: Int?, chunked: Bool) in
            RequestHead(method: "POST", path: "/v1/completions", contentLength: length, isChunked: chunked)
        }
        #expect(Self.error(gate.admit(post(101, false), inFlight: 0, stopping: false))?.status == 413)
        #expect(Self.error(gate.admit(post(nil, true), inFlight: 0, stopping: false))?.status == 411)
        #expect(Self.error(gate.admit(post(nil, false), inFlight: 0, stopping: false))?.status == 400)
        #expect(gate.admit(post(100, false), inFlight: 1, stopping: false) == .readBody(.text))
        guard case .answer(429, let body, 1) = gate.admit(post(100, false), inFlight: 2, stopping: false) else {
            Issue.record("a full queue was not refused with 429 and Retry-After")
            return
        }
        #expect(String(decoding: body, as: UTF8.self).contains(#""code":"queue_full""#))
        #expect(Self.error(gate.admit(post(100, false), inFlight: 0, stopping: true))?.status == 503)
    }

    @Test("Errors have OpenAI's shape: message, type, param and code, null when they do not apply")
    func errorShape() {
        let body = String(decoding: ServeError.invalid("'n' must be 1", param: "n").body, as: UTF8.self)
        #expect(body == #"{"error":{"code":null,"message":"'n' must be 1","param":"n","type":"invalid_request_error"}}"#)
    }
}

import ArenaProtocol
import HTTPClient
import Testing
import EndToEndSupport

@Suite("HTTP API of the real arena")
struct HTTPEndToEndTests {
    @Test("GET /health, /agents and an unknown path")
    func readOnlyEndpoints() async throws {
        let arena = try ArenaProcess()
        let health = try await HTTPClient.get(arena.httpURL + "/health")
        #expect(health.status == 200)
        let body = try JSONCodec.decodeObject(health.body)
        #expect(body["status"] == .string("ok"))
        #expect(body["agents"] == .number(0))
        #expect(body["uptime"]?.numberValue != nil)

        let agents = try await HTTPClient.get(arena.httpURL + "/agents")
        #expect(agents.status == 200)
        #expect(try JSONCodec.decodeObject(agents.body) == .array([]))

        let missing = try await HTTPClient.get(arena.httpURL + "/nowhere")
        #expect(missing.status == 404)
        #expect(try JSONCodec.decodeObject(missing.body) == .object(["error": .string("Not found")]))
    }

    @Test("POST /task: 401 without the secret, 400 for bad bodies, 200 with a task id")
    func postTask() async throws {
        let arena = try ArenaProcess(adminSecret: "s3cret")
        let url = arena.httpURL + "/task"
        let good = [("X-Admin-Secret", "s3cret")]

        let unauthorized = try await HTTPClient.request("POST", url, headers: [("X-Admin-Secret", "wrong")], body: Array(#"{"description":"x"}"#.utf8))
        #expect(unauthorized.status == 401)
        #expect(unauthorized.text == #"{"error":"Unauthorized"}"#)

        let invalid = try await HTTPClient.request("POST", url, headers: good, body: Array("{nope".utf8))
        #expect(invalid.status == 400)
        #expect(invalid.text == #"{"error":"Invalid JSON"}"#)

        // `null` crashed the original; it and other non-objects get 400 and the server keeps serving.
        for body in ["null", "[]", "\"x\"", "{}", #"{"description":"   "}"#] {
            let refused = try await HTTPClient.request("POST", url, headers: good, body: Array(body.utf8))
            #expect(refused.status == 400, "body \(body)")
            #expect(refused.text == #"{"error":"description is required"}"#, "body \(body)")
        }

        let accepted = try await HTTPClient.request("POST", url, headers: good, body: Array(#"{"description":"Plan a picnic"}"#.utf8))
        #expect(accepted.status == 200)
        let taskId = try #require(try JSONCodec.decodeObject(accepted.body)["taskId"]?.stringValue)
        #expect(UUIDv4.isValid(taskId))
        #expect(try await HTTPClient.get(arena.httpURL + "/health").status == 200)
    }

    @Test("bodies over 64 KiB get 413; an unset secret refuses every admin call")
    func limitsAndUnsetSecret() async throws {
        let arena = try ArenaProcess(adminSecret: "s3cret")
        let huge = [UInt8](repeating: UInt8(ascii: "a"), count: 70_000)
        let tooLarge = try await HTTPClient.request("POST", arena.httpURL + "/task", headers: [("X-Admin-Secret", "s3cret")], body: huge)
        #expect(tooLarge.status == 413)
        #expect(try await HTTPClient.get(arena.httpURL + "/health").status == 200)

        let open = try ArenaProcess()
        let refused = try await HTTPClient.request("POST", open.httpURL + "/task", headers: [("X-Admin-Secret", "")], body: Array(#"{"description":"x"}"#.utf8))
        #expect(refused.status == 401)
    }
}

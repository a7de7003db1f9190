import ArenaProtocol
import ArenaRelay
import Testing

@Suite("HTTP API")
struct HTTPAPITests {
    static let secret = "s3cret"

    @Test("GET /health reports status, agents and whole seconds of uptime")
    func health() {
        var arena = ArenaHarness()
        _ = arena.connectAgent("Ada")
        _ = arena.connectAgent("Bob")
        arena.advance(byMs: 61_999)
        let (status, body, effects) = arena.http("GET", "/health")
        #expect(status == 200)
        #expect(body?["status"] == "ok")
        #expect(body?["agents"] == 2)
        #expect(body?["uptime"] == 61)
        #expect(effects.isEmpty)
        #expect(arena.http("GET", "/health?verbose=1").status == 200)
    }

    @Test("GET /agents lists the roster by slot")
    func agents() throws {
        var arena = ArenaHarness()
        #expect(arena.http("GET", "/agents").body == [])
        let ada = arena.connectAgent("Ada")
        _ = arena.connectAgent("Bob")
        let body = try #require(arena.http("GET", "/agents").body?.arrayValue)
        #expect(body.map { $0["name"] } == ["Ada", "Bob"])
        #expect(body.first == [
            "agentId": .string(ada.id), "slot": 0, "name": "Ada", "color": "#3366ff", "persona": "tester",
            "version": "1.0.0", "connectedAt": .number(Double(ArenaHarness.start)),
        ])
    }

    @Test("Unknown paths and methods are 404 Not found", arguments: [
        ("GET", "/"), ("GET", "/nope"), ("POST", "/health"), ("GET", "/task"), ("DELETE", "/task"), ("PUT", "/task"),
        ("GET", "/health/"), ("GET", "/HEALTH"), ("post", "/task"),
    ])
    func notFound(method: String, path: String) {
        var arena = ArenaHarness(adminSecret: Self.secret)
        let response = arena.http(method, path, secret: Self.secret, body: #"{"description":"x"}"#)
        #expect(response.status == 404)
        #expect(response.body == ["error": "Not found"])
        #expect(arena.relay.tasks.isEmpty)
    }

    @Test("POST /task issues a task: 200 with its id, broadcast to the agents")
    func postTask() throws {
        var arena = ArenaHarness(adminSecret: Self.secret)
        let ada = arena.connectAgent("Ada")
        let response = arena.http("POST", "/task", secret: Self.secret, body: #"{"description":"Write a limerick"}"#)
        #expect(response.status == 200)
        #expect(response.body == ["taskId": .string(ArenaHarness.expectedTaskId(1))])
        let task = try #require(response.effects.messages(to: ada.connection).first)
        #expect(task.type == "GLOBAL_TASK")
        #expect(task.payload?["description"] == "Write a limerick")
        #expect(task.payload?["taskId"] == response.body?["taskId"])
    }

    @Test("POST /task without the right secret is 401 Unauthorized", arguments: [nil, "", "S3CRET", "s3cret ", "s3cre"] as [String?])
    func unauthorized(secret: String?) {
        var arena = ArenaHarness(adminSecret: Self.secret)
        let response = arena.http("POST", "/task", secret: secret, body: #"{"description":"x"}"#)
        #expect(response.status == 401)
        #expect(response.body == ["error": "Unauthorized"])
        #expect(response.effects.withoutLogs.isEmpty)
        #expect(arena.relay.tasks.isEmpty)
    }

    @Test("With no secret configured every admin call is refused", arguments: [nil, "", "anything"] as [String?])
    func unsetSecret(secret: String?) {
        var arena = ArenaHarness()
        for path in ["/task", "/kick", "/clear-tasks"] {
            let response = arena.http("POST", path, secret: secret, body: #"{"description":"x","agentId":"y"}"#)
            #expect(response.status == 401)
            #expect(response.body == ["error": "Unauthorized"])
        }
        // An empty secret in the environment is no secret at all.
        #expect(AdminSecret("") == nil)
    }

    @Test("A body that is not JSON is 400 Invalid JSON", arguments: ["", "{", "description=x", #"{"description":"x""#])
    func invalidJSON(body: String) {
        var arena = ArenaHarness(adminSecret: Self.secret)
        let response = arena.http("POST", "/task", secret: Self.secret, body: body)
        #expect(response.status == 400)
        #expect(response.body == ["error": "Invalid JSON"])
    }

    @Test("JSON without a usable description is 400 description is required (null crashed the original)", arguments: [
        "null", "[]", #""x""#, "{}", "5", "true", #"{"description":null}"#, #"{"description":""}"#,
        #"{"description":"   "}"#, #"{"description":"\n\t\r "}"#, #"{"description":"\u00a0\u2028\ufeff"}"#,
        #"{"description":42}"#, #"{"description":["x"]}"#, #"{"description":{"text":"x"}}"#, #"{"Description":"x"}"#,
    ])
    func descriptionRequired(body: String) {
        var arena = ArenaHarness(adminSecret: Self.secret)
        _ = arena.connectAgent("Ada")
        let response = arena.http("POST", "/task", secret: Self.secret, body: body)
        #expect(response.status == 400)
        #expect(response.body == ["error": "description is required"])
        #expect(response.effects.withoutLogs.isEmpty)
        #expect(arena.relay.tasks.isEmpty)
    }

    @Test("The description is cut to 512 UTF-16 units, never splitting an emoji")
    func descriptionCut() throws {
        var arena = ArenaHarness(adminSecret: Self.secret)
        let long = String(repeating: "界", count: 600)
        _ = arena.http("POST", "/task", secret: Self.secret, body: #"{"description":"\#(long)"}"#)
        let cut = try #require(arena.relay.tasks.last?.description)
        #expect(cut.utf16.count == 512)
        #expect(cut == String(repeating: "界", count: 512))

        let emoji = "a" + String(repeating: "😀", count: 300)
        _ = arena.http("POST", "/task", secret: Self.secret, body: #"{"description":"\#(emoji)"}"#)
        let cutEmoji = try #require(arena.relay.tasks.last?.description)
        #expect(cutEmoji.utf16.count == 511)
        #expect(cutEmoji == "a" + String(repeating: "😀", count: 255))

        let exact = String(repeating: "x", count: 512)
        _ = arena.http("POST", "/task", secret: Self.secret, body: #"{"description":"\#(exact)"}"#)
        #expect(arena.relay.tasks.last?.description == exact)
    }

    @Test("Bodies over 64 KiB are 413; exactly 64 KiB is fine")
    func bodyLimit() {
        var arena = ArenaHarness(adminSecret: Self.secret)
        let json = #"{"description":"big"}"#
        let exact = json + String(repeating: " ", count: 65_536 - json.utf8.count)
        #expect(exact.utf8.count == HTTPAPI.maxBodyBytes)
        #expect(arena.http("POST", "/task", secret: Self.secret, body: exact).status == 200)

        let over = arena.http("POST", "/task", secret: Self.secret, body: exact + " ")
        #expect(over.status == 413)
        #expect(over.body == ["error": "Payload too large (max 65536 bytes)"])
        #expect(arena.relay.tasks.count == 1)

        // The secret is checked first, as in the original.
        #expect(arena.http("POST", "/task", secret: "wrong", body: exact + " ").status == 401)
    }

    @Test("POST /kick and POST /clear-tasks (our extension)")
    func adminEndpoints() {
        var arena = ArenaHarness(adminSecret: Self.secret)
        let ada = arena.connectAgent("Ada")
        let bob = arena.connectAgent("Bob")
        _ = arena.relay.issueTask(description: "One", at: arena.moment)

        #expect(arena.http("POST", "/kick", secret: Self.secret, body: "{}").body == ["error": "agentId is required"])
        let ghost = arena.http("POST", "/kick", secret: Self.secret, body: #"{"agentId":"nobody"}"#)
        #expect(ghost.status == 404)
        #expect(ghost.body == ["error": "No agent with id nobody is connected"])

        let kick = arena.http("POST", "/kick", secret: Self.secret, body: #"{"agentId":"\#(bob.id)","reason":"bye"}"#)
        #expect(kick.status == 200)
        #expect(kick.body == ["agentId": .string(bob.id)])
        #expect(kick.effects.closes == [Closing(connection: bob.connection, code: 1008, reason: "Kicked by admin: bye")])
        #expect(kick.effects.types(to: ada.connection) == ["AGENT_DISCONNECT"])

        let clear = arena.http("POST", "/clear-tasks", secret: Self.secret)
        #expect(clear.status == 200)
        #expect(clear.body == ["cleared": 1])
        #expect(arena.relay.tasks.isEmpty)
        #expect(arena.http("GET", "/tasks").body == [])
    }
}

@Suite("Admin secret")
struct AdminSecretTests {
    @Test("Only the exact secret matches")
    func matching() throws {
        let secret = try #require(AdminSecret("correct horse"))
        #expect(secret.matches("correct horse"))
        #expect(!secret.matches(nil))
        #expect(!secret.matches(""))
        #expect(!secret.matches("correct hors"))
        #expect(!secret.matches("correct horse "))
        #expect(!secret.matches("Correct horse"))
        #expect(!secret.matches("correct horsecorrect horse"))
    }

    @Test("A repetition of the secret whose length differs by a multiple of 256 does not match")
    func lengthWraparound() throws {
        let short = try #require(AdminSecret("a"))
        #expect(!short.matches(String(repeating: "a", count: 257)))
        let four = try #require(AdminSecret("abcd"))
        #expect(!four.matches(String(repeating: "abcd", count: 65)))  // 260 bytes: 4 ^ 260 == 256
        #expect(!four.matches(String(repeating: "abcd", count: 129)))
    }
}

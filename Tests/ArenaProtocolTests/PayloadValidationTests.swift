import ArenaProtocol
import Testing

@Suite("Payload validation")
struct PayloadValidationTests {
    // MARK: AGENT_CONNECT

    @Test("A valid connect yields its four strings")
    func validConnect() throws {
        let payload = try ProtocolValidation.validatePayload(of: .agentConnect, in: connect()).get()
        #expect(payload == .connect(AgentConnectPayload(name: "Ada", color: "#ff8800", persona: "curious", version: "1.0.0")))
    }

    @Test("Empty strings are allowed in a connect")
    func emptyConnectStrings() {
        #expect(payloadFailure(connect(name: "", color: "", persona: "", version: "")) == nil)
    }

    @Test("Each connect field must be a string within its limit", arguments: [
        ("name", 64), ("color", 32), ("persona", 64), ("version", 32),
    ] as [(String, Int)])
    func connectFieldRules(field: String, limit: Int) {
        let reason = "AGENT_CONNECT: \(field) missing or too long (max \(limit))"
        func with(_ value: JSONValue?) -> JSONObject {
            var message = connect()
            var payload = message["payload"]?.objectValue ?? [:]
            payload[field] = value
            message["payload"] = .object(payload)
            return message
        }
        #expect(payloadFailure(with(nil)) == reason)
        #expect(payloadFailure(with(.null)) == reason)
        #expect(payloadFailure(with(7)) == reason)
        #expect(payloadFailure(with(["Ada"])) == reason)
        #expect(payloadFailure(with(.string(text("a", units: limit)))) == nil)
        #expect(payloadFailure(with(.string(text("a", units: limit + 1)))) == reason)
    }

    @Test("Connect fields are checked in the order name, color, persona, version")
    func connectFieldOrder() {
        #expect(payloadFailure(connect(name: 1, color: 1, persona: 1, version: 1)) == "AGENT_CONNECT: name missing or too long (max 64)")
        #expect(payloadFailure(connect(color: 1, persona: 1, version: 1)) == "AGENT_CONNECT: color missing or too long (max 32)")
        #expect(payloadFailure(connect(persona: 1, version: 1)) == "AGENT_CONNECT: persona missing or too long (max 64)")
        #expect(payloadFailure(connect(version: 1)) == "AGENT_CONNECT: version missing or too long (max 32)")
    }

    @Test("A connect without a payload object has no name", arguments: [nil, .null, "Ada", [], 3] as [JSONValue?])
    func connectWithoutPayload(payload: JSONValue?) {
        let message = connect()
        var broken = message
        broken["payload"] = payload
        #expect(payloadFailure(broken) == "AGENT_CONNECT: name missing or too long (max 64)")
    }

    // MARK: AGENT_THOUGHT

    @Test("A valid thought yields its fields")
    func validThought() throws {
        let payload = try ProtocolValidation.validatePayload(of: .agentThought, in: thought(content: "hmm", step: 3)).get()
        #expect(payload == .thought(AgentThoughtPayload(taskId: taskId, step: 3, content: "hmm")))
    }

    @Test("Thought content must be a string of at most 1024 units", arguments: [
        nil, .null, 12, .string(text("x", units: 1025)),
    ] as [JSONValue?])
    func thoughtContent(content: JSONValue?) {
        var message = thought()
        var payload = message["payload"]?.objectValue ?? [:]
        payload["content"] = content
        message["payload"] = .object(payload)
        #expect(payloadFailure(message) == "AGENT_THOUGHT: content missing or too long (max 1024)")
    }

    @Test("Thought content may be empty or exactly 1024 units")
    func thoughtContentEdges() {
        #expect(payloadFailure(thought(content: "")) == nil)
        #expect(payloadFailure(thought(content: .string(text("x", units: 1024)))) == nil)
    }

    @Test("A thought's step must be a positive integer", arguments: [0, -1, 1.5, "1", nil, true] as [JSONValue])
    func thoughtStep(step: JSONValue) {
        #expect(payloadFailure(thought(step: step)) == "AGENT_THOUGHT: step must be a positive integer")
    }

    @Test("A missing step is not a positive integer")
    func thoughtMissingStep() {
        var message = thought()
        var payload = message["payload"]?.objectValue ?? [:]
        payload["step"] = nil
        message["payload"] = .object(payload)
        #expect(payloadFailure(message) == "AGENT_THOUGHT: step must be a positive integer")
    }

    @Test("Steps 1, 2.0 and large are fine", arguments: [1, 2.0, 1e9] as [Double])
    func thoughtValidSteps(step: Double) {
        #expect(payloadFailure(thought(step: .number(step))) == nil)
    }

    @Test("A thought's taskId must be a UUID v4", arguments: ["", "task-1", 5, nil, "9b1deb4d-3b7d-3bad-9bdd-2b0d7b3dcb6d"] as [JSONValue])
    func thoughtTaskId(id: JSONValue) {
        #expect(payloadFailure(thought(taskId: id)) == "AGENT_THOUGHT: taskId must be UUID v4")
    }

    @Test("Thought fields are checked in the order content, step, taskId")
    func thoughtFieldOrder() {
        #expect(payloadFailure(thought(content: 1, step: 0, taskId: "x")) == "AGENT_THOUGHT: content missing or too long (max 1024)")
        #expect(payloadFailure(thought(step: 0, taskId: "x")) == "AGENT_THOUGHT: step must be a positive integer")
        #expect(payloadFailure(thought(taskId: "x")) == "AGENT_THOUGHT: taskId must be UUID v4")
    }

    // MARK: AGENT_RESPONSE

    @Test("A valid response yields its fields")
    func validResponse() throws {
        let payload = try ProtocolValidation.validatePayload(of: .agentResponse, in: response(content: "42", durationMs: 12.5)).get()
        #expect(payload == .response(AgentResponsePayload(taskId: taskId, content: "42", durationMs: 12.5)))
    }

    @Test("Response content must be a string of at most 2048 units")
    func responseContent() {
        let reason = "AGENT_RESPONSE: content missing or too long (max 2048)"
        #expect(payloadFailure(response(content: .string(text("x", units: 2048)))) == nil)
        #expect(payloadFailure(response(content: "")) == nil)
        #expect(payloadFailure(response(content: .string(text("x", units: 2049)))) == reason)
        #expect(payloadFailure(response(content: nil)) == reason)
        #expect(payloadFailure(response(content: 42)) == reason)
    }

    @Test("A response's taskId must be a UUID v4")
    func responseTaskId() {
        #expect(payloadFailure(response(taskId: "nope")) == "AGENT_RESPONSE: taskId must be UUID v4")
        #expect(payloadFailure(response(taskId: nil)) == "AGENT_RESPONSE: taskId must be UUID v4")
    }

    @Test("durationMs must be a non-negative number", arguments: [-1, -0.001, "5", nil, true] as [JSONValue])
    func responseDuration(duration: JSONValue) {
        #expect(payloadFailure(response(durationMs: duration)) == "AGENT_RESPONSE: durationMs must be a non-negative number")
    }

    @Test("durationMs may be 0 or fractional", arguments: [0, 0.25, 12_345.678] as [Double])
    func responseValidDuration(duration: Double) {
        #expect(payloadFailure(response(durationMs: .number(duration))) == nil)
    }

    @Test("Response fields are checked in the order content, taskId, durationMs")
    func responseFieldOrder() {
        #expect(payloadFailure(response(content: nil, durationMs: -1, taskId: "x")) == "AGENT_RESPONSE: content missing or too long (max 2048)")
        #expect(payloadFailure(response(durationMs: -1, taskId: "x")) == "AGENT_RESPONSE: taskId must be UUID v4")
    }

    // MARK: The other types

    @Test("Other types are accepted without looking at their payload", arguments: [
        MessageType.globalTask, .agentDisconnect, .peerThought, .arenaAck, .arenaError, .ping, .pong,
    ])
    func uncheckedTypes(type: MessageType) throws {
        let payload = try ProtocolValidation.validatePayload(of: type, in: message(.string(type.rawValue), payload: "junk")).get()
        #expect(payload == .unchecked(type))
    }
}

import ArenaProtocol


/// The server clock of every validation test.
let now: Double = 1_700_000_000_000
let agentId = "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b"
let taskId = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"

/// A string of exactly `units` UTF-16 code units, made by repeating `piece` (whose length must divide it).
func text(_ piece: String, units: Int) -> String {
    precondition(units % piece.utf16.count == 0, "\(piece) does not tile \(units) units")
    return String(repeating: piece, count: units / piece.utf16.count)
}

/// An AGENT_* message with a valid envelope; `changes` edit it before it is returned.
func message(
    _ type: JSONValue = "AGENT_THOUGHT", payload: JSONValue = [:], _ changes: (inout JSONObject) -> Void = { _ in }
) -> JSONObject {
    var message: JSONObject = [
        "type": type, "agentId": .string(agentId), "slot": 0, "seq": 1, "ts": .number(now), "payload": payload,
    ]
    changes(&message)
    return message
}

func thought(content: JSONValue = "thinking", step: JSONValue = 1, taskId id: JSONValue = .string(taskId)) -> JSONObject {
    message("AGENT_THOUGHT", payload: ["taskId": id, "step": step, "content": content])
}

func response(content: JSONValue = "done", durationMs: JSONValue = 1200, taskId id: JSONValue = .string(taskId)) -> JSONObject {
    message("AGENT_RESPONSE", payload: ["taskId": id, "content": content, "durationMs": durationMs])
}

func connect(name: JSONValue = "Ada", color: JSONValue = "#ff8800", persona: JSONValue = "curious", version: JSONValue = "1.0.0") -> JSONObject {
    message("AGENT_CONNECT", payload: ["name": name, "color": color, "persona": persona, "version": version])
}

/// The reason `validateEnvelope` gives, or nil when the envelope passes.
func envelopeFailure(_ message: JSONObject, lastSeq: Double? = nil, at time: Double = now) -> String? {
    if case .failure(let failure) = ProtocolValidation.validateEnvelope(message, lastSeq: lastSeq, now: time) {
        return failure.reason
    }
    return nil
}

/// The reason `validatePayload` gives, or nil when the payload passes.
func payloadFailure(_ message: JSONObject) -> String? {
    guard let name = message["type"]?.stringValue, let type = MessageType(rawValue: name) else { return "no type" }
    if case .failure(let failure) = ProtocolValidation.validatePayload(of: type, in: message) {
        return failure.reason
    }
    return nil
}

/// The reason `parse` gives for a frame, or nil when it yields an object.
func parseFailure(_ frame: String) -> String? {
    if case .failure(let failure) = ProtocolValidation.parse(Array(frame.utf8)) { return failure.reason }
    return nil
}

func decode(_ bytes: [UInt8]) throws -> JSONValue {
    try JSONCodec.decodeObject(bytes)
}

func encodedText(_ value: JSONValue) -> String {
    String(decoding: JSONCodec.encode(value), as: UTF8.self)
}

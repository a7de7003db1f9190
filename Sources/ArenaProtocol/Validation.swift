/// A message that failed validation, with the reason string the original Arena sends.
public struct ValidationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// The envelope fields of a message that passed `validateEnvelope`.
public struct Envelope: Sendable, Equatable {
    public let type: MessageType
    public let agentId: String
    public let seq: Double
    public let ts: Double
}

/// The original Arena's validation rules, in its order and with its wording (DESIGN §4).
public enum ProtocolValidation {
    /// Parses one frame. Failures are answered with a bare ARENA_ERROR and are not counted.
    public static func parse(_ bytes: [UInt8]) -> Result<JSONObject, ValidationFailure> {
        guard let value = try? JSONCodec.decodeObject(bytes) else {
            return .failure(ValidationFailure("Malformed JSON"))
        }
        guard case .object(let object) = value else {
            return .failure(ValidationFailure("Message must be a JSON object"))
        }
        return .success(object)
    }

    /// The `type` field, when it names a message type of the original protocol.
    public static func originalType(of message: JSONObject) -> MessageType? {
        guard let name = message["type"]?.stringValue, let type = MessageType(rawValue: name),
              MessageType.original.contains(type) else { return nil }
        return type
    }

    public static func unknownType(_ message: JSONObject) -> ValidationFailure {
        ValidationFailure("Unknown message type: \(JavaScript.templateString(message["type"]))")
    }

    /// Order: type, agentId, seq, seq monotonic, ts type, drift.
    public static func validateEnvelope(
        _ message: JSONObject, lastSeq: Double?, now: Double
    ) -> Result<Envelope, ValidationFailure> {
        guard let type = originalType(of: message) else { return .failure(unknownType(message)) }
        if type == .ping || type == .pong {
            return .success(Envelope(type: type, agentId: "", seq: 0, ts: message["ts"]?.numberValue ?? now))
        }
        guard let agentId = message["agentId"]?.stringValue, UUIDv4.isValid(agentId) else {
            return .failure(ValidationFailure("Invalid agentId: must be UUID v4"))
        }
        guard let seq = message["seq"]?.numberValue, isInteger(seq), seq >= 0 else {
            return .failure(ValidationFailure("Invalid seq: must be a non-negative integer"))
        }
        if let lastSeq, seq <= lastSeq {
            return .failure(ValidationFailure(
                "Non-increasing seq: got \(JavaScript.numberString(seq)), last was \(JavaScript.numberString(lastSeq))"))
        }
        guard let ts = message["ts"]?.numberValue else {
            return .failure(ValidationFailure("Invalid ts: must be a number"))
        }
        let drift = abs(ts - now)
        if drift > ProtocolLimits.maxTimestampDriftMs {
            return .failure(ValidationFailure(
                "Timestamp drift too large: \(JavaScript.numberString(drift))ms (max \(Int(ProtocolLimits.maxTimestampDriftMs))ms)"))
        }
        return .success(Envelope(type: type, agentId: agentId, seq: seq, ts: ts))
    }

    /// The payload rules of each type. A payload that is not an object has no fields.
    public static func validatePayload(
        of type: MessageType, in message: JSONObject
    ) -> Result<AgentPayload, ValidationFailure> {
        let payload = message["payload"]?.objectValue ?? [:]
        switch type {
        case .agentConnect:
            let limits = [
                ("name", ProtocolLimits.maxNameLength), ("color", ProtocolLimits.maxColorLength),
                ("persona", ProtocolLimits.maxPersonaLength), ("version", ProtocolLimits.maxVersionLength),
            ]
            var values: [String] = []
            for (field, limit) in limits {
                guard let value = string(payload[field], within: limit) else {
                    return .failure(ValidationFailure("AGENT_CONNECT: \(field) missing or too long (max \(limit))"))
                }
                values.append(value)
            }
            return .success(.connect(AgentConnectPayload(
                name: values[0], color: values[1], persona: values[2], version: values[3])))

        case .agentThought:
            guard let content = string(payload["content"], within: ProtocolLimits.maxThoughtLength) else {
                return .failure(ValidationFailure(
                    "AGENT_THOUGHT: content missing or too long (max \(ProtocolLimits.maxThoughtLength))"))
            }
            guard let step = payload["step"]?.numberValue, isInteger(step), step >= 1 else {
                return .failure(ValidationFailure("AGENT_THOUGHT: step must be a positive integer"))
            }
            guard let taskId = payload["taskId"]?.stringValue, UUIDv4.isValid(taskId) else {
                return .failure(ValidationFailure("AGENT_THOUGHT: taskId must be UUID v4"))
            }
            return .success(.thought(AgentThoughtPayload(taskId: taskId, step: step, content: content)))

        case .agentResponse:
            guard let content = string(payload["content"], within: ProtocolLimits.maxResponseLength) else {
                return .failure(ValidationFailure(
                    "AGENT_RESPONSE: content missing or too long (max \(ProtocolLimits.maxResponseLength))"))
            }
            guard let taskId = payload["taskId"]?.stringValue, UUIDv4.isValid(taskId) else {
                return .failure(ValidationFailure("AGENT_RESPONSE: taskId must be UUID v4"))
            }
            guard let durationMs = payload["durationMs"]?.numberValue, durationMs >= 0 else {
                return .failure(ValidationFailure("AGENT_RESPONSE: durationMs must be a non-negative number"))
            }
            return .success(.response(AgentResponsePayload(taskId: taskId, content: content, durationMs: durationMs)))

        default:
            return .success(.unchecked(type))
        }
    }

    private static func string(_ value: JSONValue?, within limit: Int) -> String? {
        guard let text = value?.stringValue, text.javaScriptLength <= limit else { return nil }
        return text
    }

    /// `Number.isInteger`.
    private static func isInteger(_ value: Double) -> Bool {
        value.isFinite && value.rounded(.towardZero) == value
    }
}

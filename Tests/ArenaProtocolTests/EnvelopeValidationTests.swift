import ArenaProtocol
import Testing

/// DESIGN §4: type, agentId, seq, seq monotonic, ts type, drift — in that order, worded as the original.
@Suite("Envelope validation")
struct EnvelopeValidationTests {
    // MARK: type

    @Test("A valid envelope yields its fields")
    func validEnvelope() throws {
        let envelope = try ProtocolValidation.validateEnvelope(
            message { $0["seq"] = 7; $0["ts"] = .number(now - 1500) }, lastSeq: 3, now: now
        ).get()
        #expect(envelope.type == .agentThought)
        #expect(envelope.agentId == agentId)
        #expect(envelope.seq == 7)
        #expect(envelope.ts == now - 1500)
    }

    @Test("Every type of the original protocol passes the type check", arguments: MessageType.original)
    func originalTypesPass(type: MessageType) {
        #expect(envelopeFailure(message(.string(type.rawValue))) == nil)
    }

    @Test("Unknown types are named as a JavaScript template string renders them", arguments: [
        ("X", "Unknown message type: X"),
        ("agent_connect", "Unknown message type: agent_connect"),
        ("", "Unknown message type: "),
        ("SPECTATE", "Unknown message type: SPECTATE"),
        ("ADMIN_TASK", "Unknown message type: ADMIN_TASK"),
    ] as [(String, String)])
    func unknownStringTypes(type: String, reason: String) {
        #expect(envelopeFailure(message(.string(type))) == reason)
    }

    @Test("Non-string types render as JavaScript would", arguments: [
        (5 as JSONValue, "Unknown message type: 5"),
        (1.5, "Unknown message type: 1.5"),
        (1e21, "Unknown message type: 1e+21"),
        (nil, "Unknown message type: null"),
        (true, "Unknown message type: true"),
        (["AGENT_CONNECT", "PING"], "Unknown message type: AGENT_CONNECT,PING"),
        ([], "Unknown message type: "),
        ([1, nil, [2, 3]], "Unknown message type: 1,,2,3"),
        (["type": "PING"], "Unknown message type: [object Object]"),
    ] as [(JSONValue, String)])
    func unknownOtherTypes(type: JSONValue, reason: String) {
        #expect(envelopeFailure(message(type)) == reason)
        #expect(ProtocolValidation.unknownType(["type": type]).reason == reason)
    }

    @Test("A missing type is undefined")
    func missingType() {
        #expect(envelopeFailure(message { $0["type"] = nil }) == "Unknown message type: undefined")
        #expect(envelopeFailure([:]) == "Unknown message type: undefined")
    }

    @Test("The type is checked before everything else")
    func typeComesFirst() {
        let broken = message("NOPE") { $0["agentId"] = "x"; $0["seq"] = -1; $0["ts"] = "late" }
        #expect(envelopeFailure(broken, lastSeq: 10) == "Unknown message type: NOPE")
    }

    @Test("PING and PONG need no envelope")
    func pingAndPongAreBare() {
        #expect(envelopeFailure(["type": "PING", "ts": 1]) == nil)
        #expect(envelopeFailure(["type": "PONG"]) == nil)
    }

    @Test("originalType names only the original ten types")
    func originalType() {
        #expect(ProtocolValidation.originalType(of: ["type": "AGENT_RESPONSE"]) == .agentResponse)
        #expect(ProtocolValidation.originalType(of: ["type": "ARENA_SNAPSHOT"]) == nil)
        #expect(ProtocolValidation.originalType(of: ["type": 3]) == nil)
        #expect(ProtocolValidation.originalType(of: [:]) == nil)
    }

    // MARK: agentId

    @Test("The agentId must be a UUID v4", arguments: [
        nil, .null, 42, "", "not-a-uuid", "3f2b8c1e-9a4d-1e6f-8b2a-1c3d5e7f9a0b",
        "3f2b8c1e-9a4d-4e6f-7b2a-1c3d5e7f9a0b", " 3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b", ["3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b"],
    ] as [JSONValue?])
    func invalidAgentId(value: JSONValue?) {
        #expect(envelopeFailure(message { $0["agentId"] = value }) == "Invalid agentId: must be UUID v4")
    }

    @Test("An upper-case agentId is fine (the original's regex is case-insensitive)")
    func upperCaseAgentId() {
        #expect(envelopeFailure(message { $0["agentId"] = .string(agentId.uppercased()) }) == nil)
    }

    @Test("The agentId is checked before seq and ts")
    func agentIdBeforeSeq() {
        #expect(envelopeFailure(message { $0["agentId"] = "x"; $0["seq"] = "one"; $0["ts"] = nil })
            == "Invalid agentId: must be UUID v4")
    }

    // MARK: seq

    @Test("seq must be a non-negative integer", arguments: [
        nil, .null, -1, 1.5, "1", true, [1], -0.5,
    ] as [JSONValue?])
    func invalidSeq(value: JSONValue?) {
        #expect(envelopeFailure(message { $0["seq"] = value }) == "Invalid seq: must be a non-negative integer")
    }

    @Test("seq may be 0, integral floats, and large", arguments: [0, 1, 1.0, 1e15, 0x1p53] as [Double])
    func validSeq(value: Double) {
        #expect(envelopeFailure(message { $0["seq"] = .number(value) }) == nil)
    }

    @Test("A malformed seq is reported before a non-increasing one")
    func seqTypeBeforeMonotonic() {
        #expect(envelopeFailure(message { $0["seq"] = "2" }, lastSeq: 5) == "Invalid seq: must be a non-negative integer")
    }

    // MARK: seq monotonic

    @Test("seq must strictly increase per connection", arguments: [
        (2, 2, "Non-increasing seq: got 2, last was 2"),
        (1, 2, "Non-increasing seq: got 1, last was 2"),
        (0, 41, "Non-increasing seq: got 0, last was 41"),
    ] as [(Double, Double, String)])
    func nonIncreasingSeq(seq: Double, lastSeq: Double, reason: String) {
        #expect(envelopeFailure(message { $0["seq"] = .number(seq) }, lastSeq: lastSeq) == reason)
    }

    @Test("Gaps are fine, and the first message may use any seq")
    func gapsAreFine() {
        #expect(envelopeFailure(message { $0["seq"] = 3 }, lastSeq: 2) == nil)
        #expect(envelopeFailure(message { $0["seq"] = 1000 }, lastSeq: 2) == nil)
        #expect(envelopeFailure(message { $0["seq"] = 77 }, lastSeq: nil) == nil)
        #expect(envelopeFailure(message { $0["seq"] = 0 }, lastSeq: nil) == nil)
    }

    @Test("A non-increasing seq is reported before a bad ts")
    func monotonicBeforeTs() {
        #expect(envelopeFailure(message { $0["seq"] = 2; $0["ts"] = "now" }, lastSeq: 2)
            == "Non-increasing seq: got 2, last was 2")
    }

    // MARK: ts type

    @Test("ts must be a number", arguments: [nil, .null, "1700000000000", true, [1], ["ms": 1]] as [JSONValue?])
    func invalidTs(value: JSONValue?) {
        #expect(envelopeFailure(message { $0["ts"] = value }) == "Invalid ts: must be a number")
    }

    // MARK: drift

    @Test("ts may drift up to 30 000 ms either way", arguments: [-30_000, -1, 0, 0.5, 29_999.9, 30_000] as [Double])
    func driftWithinLimit(offset: Double) {
        #expect(envelopeFailure(message { $0["ts"] = .number(now + offset) }) == nil)
    }

    @Test("Beyond 30 000 ms the drift is reported", arguments: [
        (31_000, "Timestamp drift too large: 31000ms (max 30000ms)"),
        (-31_000, "Timestamp drift too large: 31000ms (max 30000ms)"),
        (30_001, "Timestamp drift too large: 30001ms (max 30000ms)"),
        (30_000.5, "Timestamp drift too large: 30000.5ms (max 30000ms)"),
        (-now, "Timestamp drift too large: 1700000000000ms (max 30000ms)"),
    ] as [(Double, String)])
    func driftTooLarge(offset: Double, reason: String) {
        #expect(envelopeFailure(message { $0["ts"] = .number(now + offset) }) == reason)
    }
}

import ArenaProtocol
import Testing

@Suite("JSONValue")
struct JSONValueTests {
    @Test("Values round-trip through JSON text", arguments: [
        .null, true, false, 0, -3, 1.5, 1e-7, 1e21, 1.2345678901234568e20, "", "héllo 😀 界 e\u{301}",
        "quotes \" and \\ and \n and \u{0001}", [], [1, "two", nil, [false]], [:],
        ["type": "AGENT_THOUGHT", "payload": ["step": 1, "content": "x", "nested": [["deep": [1, 2.5]]]]],
    ] as [JSONValue])
    func roundTrip(value: JSONValue) throws {
        let wrapped: JSONValue = ["value": value]
        #expect(try decode(JSONCodec.encode(wrapped)) == wrapped)
    }

    @Test("Top-level scalars decode too")
    func topLevelScalars() throws {
        #expect(try decode(Array("null".utf8)) == .null)
        #expect(try decode(Array("true".utf8)) == true)
        #expect(try decode(Array("2.5".utf8)) == 2.5)
        #expect(try decode(Array(#""x""#.utf8)) == "x")
        #expect(try decode(Array("[1]".utf8)) == [1])
    }

    @Test("Booleans stay booleans and numbers stay numbers")
    func noCoercion() throws {
        let value = try decode(Array(#"{"a":true,"b":1,"c":0,"d":"1"}"#.utf8))
        #expect(value["a"] == .bool(true))
        #expect(value["b"] == .number(1))
        #expect(value["c"] == .number(0))
        #expect(value["d"] == .string("1"))
    }

    @Test("Integral numbers encode without a fraction", arguments: [
        (0, "0"), (-0.0, "0"), (1, "1"), (-5, "-5"), (1_700_000_000_000, "1700000000000"),
        (9_007_199_254_740_991, "9007199254740991"), (2.0, "2"), (1.5, "1.5"), (-0.25, "-0.25"),
    ] as [(Double, String)])
    func integralNumbers(value: Double, expected: String) {
        #expect(encodedText(["n": .number(value)]) == #"{"n":\#(expected)}"#)
    }

    @Test("Keys are sorted and slashes are not escaped")
    func stableOutput() {
        #expect(encodedText(["b": 1, "a": "x/y", "c": [:]]) == #"{"a":"x/y","b":1,"c":{}}"#)
    }

    @Test("Accessors answer only for their own case")
    func accessors() {
        let object: JSONValue = ["s": "x", "n": 2, "b": true, "o": [:], "a": [1]]
        #expect(object["s"]?.stringValue == "x")
        #expect(object["n"]?.numberValue == 2)
        #expect(object["b"]?.boolValue == true)
        #expect(object["o"]?.objectValue == [:])
        #expect(object["a"]?.arrayValue == [1])
        #expect(object["missing"] == nil)
        #expect(object["s"]?.numberValue == nil)
        #expect(object["n"]?.stringValue == nil)
        #expect(object["n"]?.boolValue == nil)
        #expect(object["a"]?.objectValue == nil)
        #expect(object["o"]?.arrayValue == nil)
        #expect(JSONValue.string("x")["key"] == nil)
        #expect(JSONValue.array([1])["0"] == nil)
    }

    @Test("Decoding typed payloads from JSON text")
    func typedDecoding() throws {
        let bytes = Array(#"{"taskId":"\#(taskId)","description":"Go","issuedAt":17}"#.utf8)
        #expect(try JSONCodec.decode(GlobalTaskPayload.self, from: bytes) == GlobalTaskPayload(taskId: taskId, description: "Go", issuedAt: 17))
        #expect(throws: (any Error).self) { try JSONCodec.decode(GlobalTaskPayload.self, from: Array("{}".utf8)) }
        #expect(throws: (any Error).self) { try JSONCodec.decodeObject(Array("{".utf8)) }
    }
}

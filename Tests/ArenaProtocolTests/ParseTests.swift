import ArenaProtocol
import Testing

@Suite("Parsing a frame")
struct ParseTests {
    @Test("An object parses, with every field kept", arguments: [
        #"{"type":"PING","ts":1}"#,
        #"{}"#,
        #"  {"type":"AGENT_THOUGHT","extra":{"nested":[1,2,3]}}  "#,
    ])
    func objectsParse(frame: String) throws {
        let object = try ProtocolValidation.parse(Array(frame.utf8)).get()
        #expect(try decode(Array(frame.utf8)) == .object(object))
    }

    @Test("Text that is not JSON is Malformed JSON", arguments: [
        "", "{", "}", "not json", #"{"type":"PING""#, #"{"type":PING}"#, "{'type':'PING'}", #"{"a":1}x"#,
    ])
    func malformed(frame: String) {
        #expect(parseFailure(frame) == "Malformed JSON")
    }

    @Test("Bytes that are not UTF-8 are Malformed JSON")
    func invalidUTF8() {
        let bytes: [UInt8] = [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D]  // {"a":"\xFF\xFE"}
        #expect(ProtocolValidation.parse(bytes) == .failure(ValidationFailure("Malformed JSON")))
    }

    @Test("JSON that is not an object is refused as such", arguments: [
        "null", "5", "-1.5", "true", "false", #""AGENT_CONNECT""#, "[]", #"[{"type":"PING"}]"#,
    ])
    func notAnObject(frame: String) {
        #expect(parseFailure(frame) == "Message must be a JSON object")
    }

    @Test("A validation failure prints as its reason")
    func failureDescription() {
        #expect(ValidationFailure("Malformed JSON").description == "Malformed JSON")
    }
}

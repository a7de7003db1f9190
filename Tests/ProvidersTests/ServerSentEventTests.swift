@testable import Providers
import Testing

@Suite("Server-sent events")
struct ServerSentEventTests {
    @Test("events split anywhere, over LF, CRLF and CR; multi-line data joins; comments and unknown fields are skipped")
    func parsing() throws {
        let stream = ": keep-alive\r\nevent: message_start\r\ndata: {\"a\":1}\r\n\r\ndata: one\ndata:two\nid: 7\n\nretry: 10\rdata: three\r\r"
        let bytes = Array(stream.utf8)
        // Every split point gives the same events as the whole.
        var whole = ServerSentEventParser()
        let expected = try whole.feed(bytes)
        #expect(expected == [
            ServerSentEvent(type: "message_start", data: "{\"a\":1}"),
            ServerSentEvent(data: "one\ntwo"),
            ServerSentEvent(data: "three"),
        ])
        for split in 0...bytes.count {
            var parser = ServerSentEventParser()
            let events = try parser.feed(bytes[..<split]) + parser.feed(bytes[split...])
            #expect(events == expected, "split at \(split)")
        }
    }

    @Test("a blank line without data sends nothing; an unfinished event waits for its blank line")
    func incomplete() throws {
        var parser = ServerSentEventParser()
        #expect(try parser.feed(Array("\n\nevent: x\n\ndata: partial\n".utf8)).isEmpty)
        #expect(try parser.feed(Array("\n".utf8)) == [ServerSentEvent(data: "partial")])
    }

    @Test("a line or an event over the limit is an error, not unbounded memory")
    func bounded() {
        var parser = ServerSentEventParser(limit: 64)
        #expect(throws: ServerSentEventParser.TooLong(limit: 64)) { try parser.feed(Array(repeating: UInt8(ascii: "a"), count: 65)) }
        var lines = ServerSentEventParser(limit: 64)
        #expect(throws: ServerSentEventParser.TooLong(limit: 64)) {
            try lines.feed(Array(String(repeating: "data: 0123456789\n", count: 8).utf8))
        }
    }
}

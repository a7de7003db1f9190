import ArenaProtocol
import Testing

@Suite("WebSocket framing")
struct WebSocketFrameTests {
    func header(_ bytes: [UInt8], at offset: Int = 0) -> WebSocketFrame.Header? {
        bytes.withUnsafeBufferPointer { WebSocketFrame.header(in: $0, at: offset) }
    }

    @Test("An unmasked frame's header reads back its length, across the 7-, 16- and 64-bit forms",
          arguments: [0, 1, 125, 126, 127, 65_535, 65_536, 70_000])
    func unmaskedRoundTrip(length: Int) throws {
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0) }
        var frame: [UInt8] = []
        WebSocketFrame.appendUnmasked(payload, to: &frame)
        let parsed = try #require(header(frame))
        #expect(parsed.isFinal)
        #expect(parsed.opcode == WebSocketFrame.Opcode.text.rawValue)
        #expect(parsed.payloadLength == length)
        #expect(parsed.payloadOffset == (length < 126 ? 2 : length <= 65_535 ? 4 : 10))
        #expect(parsed.frameLength == frame.count)
        #expect(Array(frame[parsed.payloadOffset...]) == payload)
    }

    @Test("A masked frame carries its key, and unmasking gives the payload back", arguments: [0, 5, 200] as [Int])
    func maskedRoundTrip(length: Int) throws {
        let payload = Array(String(repeating: "héllo ", count: 40).utf8.prefix(length))
        let key: UInt32 = 0xA1B2_C3D4
        var frame: [UInt8] = []
        WebSocketFrame.appendMasked(payload, opcode: .binary, key: key, to: &frame)
        #expect(frame[1] & 0x80 != 0)
        let parsed = try #require(header(frame))
        #expect(parsed.opcode == WebSocketFrame.Opcode.binary.rawValue)
        #expect(parsed.payloadLength == payload.count)
        #expect(parsed.frameLength == frame.count)
        let mask = Array(frame[(parsed.payloadOffset - 4)..<parsed.payloadOffset])
        #expect(mask == [0xA1, 0xB2, 0xC3, 0xD4])
        let unmasked = frame[parsed.payloadOffset...].enumerated().map { $0.element ^ mask[$0.offset & 3] }
        #expect(unmasked == payload)
    }

    @Test("Frames batched into one buffer are found one after another")
    func batchedFrames() throws {
        var buffer: [UInt8] = []
        let messages = [Array("first".utf8), Array(repeating: 0x41, count: 300), Array("third".utf8)]
        for message in messages { WebSocketFrame.appendUnmasked(message, to: &buffer) }
        var offset = 0
        var found: [[UInt8]] = []
        while let parsed = header(buffer, at: offset) {
            let start = offset + parsed.payloadOffset
            found.append(Array(buffer[start..<(start + parsed.payloadLength)]))
            offset += parsed.frameLength
        }
        #expect(found == messages)
        #expect(offset == buffer.count)
    }

    @Test("A header is not read until all of it has arrived")
    func partialHeaders() {
        var short: [UInt8] = []
        WebSocketFrame.appendUnmasked(Array(repeating: 1, count: 300), to: &short)
        #expect(header([]) == nil)
        #expect(header([0x81]) == nil)
        #expect(header(Array(short.prefix(3))) == nil)  // 16-bit length needs 4 bytes
        #expect(header(Array(short.prefix(4))) != nil)
        var long: [UInt8] = []
        WebSocketFrame.appendUnmasked(Array(repeating: 1, count: 70_000), to: &long)
        #expect(header(Array(long.prefix(9))) == nil)  // 64-bit length needs 10 bytes
        #expect(header(Array(long.prefix(10)))?.payloadLength == 70_000)
    }

    @Test("Control opcodes are written as given")
    func controlOpcodes() {
        var frame: [UInt8] = []
        WebSocketFrame.appendUnmasked([0x03, 0xE8], opcode: .close, to: &frame)
        #expect(frame == [0x88, 0x02, 0x03, 0xE8])
    }
}

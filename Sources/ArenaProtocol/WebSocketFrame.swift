/// RFC 6455 framing for the fast paths that write frames themselves: the arena batches many
/// pre-framed messages into one socket write, and the bench's load client parses them in bulk.
public enum WebSocketFrame {
    public enum Opcode: UInt8, Sendable {
        case continuation = 0x0, text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xA
    }

    /// One final, unmasked text frame carrying `payload`.
    public static func unmasked(_ payload: [UInt8]) -> [UInt8] {
        var frame: [UInt8] = []
        frame.reserveCapacity(payload.count + 10)
        appendUnmasked(payload, to: &frame)
        return frame
    }

    /// Appends one final, unmasked frame (server to client) carrying `payload`.
    public static func appendUnmasked(_ payload: [UInt8], opcode: Opcode = .text, to buffer: inout [UInt8]) {
        appendHeader(opcode: opcode, length: payload.count, masked: false, to: &buffer)
        buffer.append(contentsOf: payload)
    }

    /// Appends one final, masked frame (client to server), as RFC 6455 §5.3 requires of clients.
    public static func appendMasked(_ payload: [UInt8], opcode: Opcode = .text, key: UInt32, to buffer: inout [UInt8]) {
        appendHeader(opcode: opcode, length: payload.count, masked: true, to: &buffer)
        let mask = [UInt8(truncatingIfNeeded: key >> 24), UInt8(truncatingIfNeeded: key >> 16),
                    UInt8(truncatingIfNeeded: key >> 8), UInt8(truncatingIfNeeded: key)]
        buffer.append(contentsOf: mask)
        buffer.reserveCapacity(buffer.count + payload.count)
        for (index, byte) in payload.enumerated() {
            buffer.append(byte ^ mask[index & 3])
        }
    }

    private static func appendHeader(opcode: Opcode, length: Int, masked: Bool, to buffer: inout [UInt8]) {
        buffer.append(0x80 | opcode.rawValue)
        let maskBit: UInt8 = masked ? 0x80 : 0
        if length < 126 {
            buffer.append(maskBit | UInt8(length))
        } else if length <= 0xFFFF {
            buffer.append(maskBit | 126)
            buffer.append(UInt8(length >> 8))
            buffer.append(UInt8(length & 0xFF))
        } else {
            buffer.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) {
                buffer.append(UInt8(truncatingIfNeeded: UInt64(length) >> UInt64(shift)))
            }
        }
    }

    /// A frame found at the start of `bytes`: where its payload is and how long the whole frame is.
    public struct Header: Sendable, Equatable {
        public let isFinal: Bool
        public let opcode: UInt8
        public let payloadOffset: Int
        public let payloadLength: Int
        public var frameLength: Int { payloadOffset + payloadLength }
    }

    /// Reads the header of an unmasked frame at `offset`; nil until enough bytes have arrived.
    public static func header(in bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Header? {
        let available = bytes.count - offset
        guard available >= 2 else { return nil }
        let first = bytes[offset], second = bytes[offset + 1]
        var length = Int(second & 0x7F)
        var headerLength = 2
        if length == 126 {
            guard available >= 4 else { return nil }
            length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            headerLength = 4
        } else if length == 127 {
            guard available >= 10 else { return nil }
            // RFC 6455 keeps the top bit clear; anything near it is garbage, not a frame we could hold.
            guard bytes[offset + 2] == 0, bytes[offset + 3] == 0 else { return nil }
            length = 0
            for index in 2..<8 { length = length << 8 | Int(bytes[offset + 2 + index]) }
            headerLength = 10
        }
        if second & 0x80 != 0 { headerLength += 4 }
        return Header(isFinal: first & 0x80 != 0, opcode: first & 0x0F,
                      payloadOffset: headerLength, payloadLength: length)
    }
}

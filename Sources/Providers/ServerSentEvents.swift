/// One server-sent event: its type ("message" unless the stream named one) and its data lines joined.
public struct ServerSentEvent: Sendable, Equatable {
    public var type: String
    public var data: String

    public init(type: String = "message", data: String) {
        self.type = type
        self.data = data
    }
}

/// The `text/event-stream` format, decoded as bytes arrive in pieces of any size: lines end in LF,
/// CRLF or CR; `data:` lines gather until a blank line sends the event; `event:` names it; comments
/// (`:` lines) and unknown fields are skipped. A line or an event longer than `limit` bytes is an
/// error rather than unbounded memory.
public struct ServerSentEventParser: Sendable {
    public struct TooLong: Error, Equatable, CustomStringConvertible {
        public let limit: Int
        public var description: String { "a server-sent event is longer than \(limit) bytes" }
    }

    public let limit: Int
    private var line: [UInt8] = []
    private var lastWasCR = false
    private var type = ""
    private var data: [UInt8] = []
    private var hasData = false

    public init(limit: Int = 1 << 20) {
        self.limit = limit
    }

    /// The events these bytes complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(TooLong) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") && lastWasCR {
                lastWasCR = false  // the LF of a CRLF: the line already ended at the CR
                continue
            }
            lastWasCR = byte == UInt8(ascii: "\r")
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                if let event = try endLine() { events.append(event) }
            } else {
                guard line.count < limit else { throw TooLong(limit: limit) }
                line.append(byte)
            }
        }
        return events
    }

    private mutating func endLine() throws(TooLong) -> ServerSentEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            defer {
                type = ""
                data.removeAll(keepingCapacity: true)
                hasData = false
            }
            return hasData ? ServerSentEvent(type: type.isEmpty ? "message" : type, data: String(decoding: data, as: UTF8.self)) : nil
        }
        if line.first == UInt8(ascii: ":") { return nil }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        let field = String(decoding: line[..<colon], as: UTF8.self)
        var value = colon < line.endIndex ? line[(colon + 1)...] : []
        if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        switch field {
        case "data":
            if hasData { data.append(UInt8(ascii: "\n")) }
            guard data.count + value.count <= limit else { throw TooLong(limit: limit) }
            data.append(contentsOf: value)
            hasData = true
        case "event":
            type = String(decoding: value, as: UTF8.self)
        default:
            break  // id, retry and unknown fields: nothing we use
        }
        return nil
    }
}

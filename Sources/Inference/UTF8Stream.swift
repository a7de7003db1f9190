/// Turns a stream of token bytes into text without ever splitting a UTF-8 sequence: a character may
/// span several tokens, so bytes of an unfinished one wait for the next token.
public struct UTF8Stream: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    /// The whole characters now complete.
    public mutating func append(_ bytes: [UInt8]) -> String {
        pending += bytes
        var end = pending.count
        for back in 1...min(3, max(1, pending.count)) where pending.count >= back {
            let byte = pending[pending.count - back]
            if byte & 0xC0 == 0x80 { continue }  // a continuation byte: look further back
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            if length > back { end = pending.count - back }
            break
        }
        let text = String(decoding: pending[..<end], as: UTF8.self)
        pending.removeFirst(end)
        return text
    }

    /// Whatever is left at the end (an unfinished sequence shows as U+FFFD).
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }
}

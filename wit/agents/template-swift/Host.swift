// Swift-shaped wrappers around the host's imports (include/mowai_host.h): Strings in, Strings out.
import MowaiHost

enum Host {
    /// Asks the local model; mowai puts the persona's system prompt in front of `prompt`.
    static func llm(_ prompt: String) -> String {
        var answer = mowai_text(bytes: nil, length: 0)
        var prompt = prompt
        prompt.withUTF8 { mowai_host_llm($0.baseAddress, $0.count, &answer) }
        return takeString(answer)
    }

    /// Posts a thought to everyone in the arena.
    static func broadcast(_ message: String) {
        var message = message
        message.withUTF8 { mowai_broadcast($0.baseAddress, $0.count) }
    }

    /// Writes a line to the agent's console: level is "debug", "info", "warn" or "error".
    static func log(_ level: StaticString, _ message: String) {
        var message = message
        message.withUTF8 { mowai_log(level.utf8Start, level.utf8CodeUnitCount, $0.baseAddress, $0.count) }
    }

    static func nowMilliseconds() -> UInt64 { mowai_now_ms() }

    static func config() -> (name: String, color: String, persona: String) {
        var fields = (mowai_text(bytes: nil, length: 0), mowai_text(bytes: nil, length: 0),
                      mowai_text(bytes: nil, length: 0))
        withUnsafeMutableBytes(of: &fields) {
            mowai_get_config($0.baseAddress!.assumingMemoryBound(to: mowai_text.self))
        }
        return (takeString(fields.0), takeString(fields.1), takeString(fields.2))
    }
}

/// Copies a string the host put in our memory into a Swift String and frees the original.
func takeString(_ text: mowai_text) -> String {
    defer { free(text.bytes) }
    return String(decoding: UnsafeBufferPointer(start: text.bytes, count: text.length), as: UTF8.self)
}

/// Copies `string` into a malloc'd buffer the host can read after we return; freed in cabi_post_*.
func giveString(_ string: String) -> mowai_text {
    var string = string
    return string.withUTF8 { utf8 in
        let bytes = malloc(max(utf8.count, 1))!.assumingMemoryBound(to: UInt8.self)
        if let source = utf8.baseAddress { bytes.update(from: source, count: utf8.count) }
        return mowai_text(bytes: bytes, length: utf8.count)
    }
}

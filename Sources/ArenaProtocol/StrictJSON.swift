/// The differences between Foundation's JSON decoder and JavaScript's `JSON.parse` that matter to a relay
/// forwarding raw bytes: one pass over text the decoder has already accepted.
enum StrictJSON {
    struct Scan {
        /// Object members in the text, repeats included (every `:` outside a string separates one).
        var memberCount = 0
    }

    /// nil when JSON.parse would refuse the text: a leading byte order mark, or a `,` right before `}` or `]`.
    static func scan(_ bytes: [UInt8]) -> Scan? {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return nil }
        var scan = Scan()
        var inString = false
        var escaped = false
        var lastToken: UInt8 = 0
        // UTF-8 continuation bytes never equal an ASCII quote or backslash, so bytes are enough.
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                continue
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: ":"):
                scan.memberCount += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if lastToken == UInt8(ascii: ",") { return nil }
            default:
                break
            }
            lastToken = byte
        }
        return scan
    }
}

extension JSONValue {
    /// Object members in this value and everything inside it.
    var memberCount: Int {
        switch self {
        case .object(let fields): fields.count + fields.values.reduce(0) { $0 + $1.memberCount }
        case .array(let items): items.reduce(0) { $0 + $1.memberCount }
        default: 0
        }
    }
}

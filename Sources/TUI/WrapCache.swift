import Synchronization

/// Wrapped chat text, remembered: a message's words are laid out once per width, not once per frame.
/// Wrapping was most of a frame's cost (every visible message, every frame), while messages never change.
final class WrapCache: Sendable {
    struct Key: Hashable {
        let text: String
        let firstWidth: Int
        let restWidth: Int
    }

    private let entries = Mutex<[Key: [String]]>([:])
    /// Enough for every visible line of a few screens at a few widths; cleared whole when full.
    private let capacity = 4096

    /// `text` wrapped with `firstWidth` columns on its first row and `restWidth` on the others.
    func lines(_ text: String, firstWidth: Int, restWidth: Int) -> [String] {
        let key = Key(text: text, firstWidth: firstWidth, restWidth: restWidth)
        if let cached = entries.withLock({ $0[key] }) { return cached }
        let first = TextWrap.lines(text, width: firstWidth).first ?? ""
        var lines = [first]
        let rest = text.dropFirst(first.count).drop(while: \.isWhitespace)
        if !rest.isEmpty { lines += TextWrap.lines(String(rest), width: restWidth) }
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = lines
        }
        return lines
    }
}

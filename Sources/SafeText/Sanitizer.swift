/// Makes text from outside (arenas, agents, Wasm guests, model files) safe to show: nothing it contains can
/// reach a terminal as a control, reorder what follows it, or forge a line of a log.
///
/// This is the one sanitizer. The console's `Frame.put` draws through `clean`; every plain-text sink
/// (`mowai agent run`'s lines, `mowai agent check`, the arena's log, error messages that echo a peer)
/// writes through `line`.
///
/// The choice, scalar by scalar:
/// - `"\n"` is kept by `clean` (a line break for `TextWrap`; `Frame.put` draws it as a space) and shown
///   as `␊` by `line`, so a remote party cannot start a new log line. `"\r\n"` counts as one `"\n"`.
/// - `"\t"` becomes one space: tab stops depend on the terminal, and one column keeps widths predictable.
/// - Every other C0 control and DEL becomes its visible Control Pictures symbol (U+2400–U+2421), so ESC
///   shows as `␛` and `"\u{1B}[2J"` is drawn as the harmless text `␛[2J`. Replacing the introducer alone
///   neutralises the whole sequence; the rest is ordinary printable text.
/// - C1 controls (U+0080–U+009F, among them the 8-bit CSI U+009B) have no pictures and become U+FFFD `�`.
/// - Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) become `�` too, so text
///   cannot reorder what is drawn after it (the "Trojan Source" trick) and the attempt stays visible.
/// - U+2028 and U+2029 (line and paragraph separators) are line breaks, treated as `"\n"`.
///
/// Everything else — CJK, emoji, combining marks, joiners — passes unchanged. Both are idempotent.
public enum Sanitizer {
    public static let replacement: Unicode.Scalar = "\u{FFFD}"
    /// How `line` shows a line break: the Control Pictures symbol for LF.
    public static let lineBreakPicture: Unicode.Scalar = "\u{240A}"

    /// For a screen that wraps text itself: line breaks stay `"\n"`.
    public static func clean(_ text: String) -> String {
        sanitize(text, lineBreak: "\n")
    }

    /// For one line of plain-text output (a log line, a headless report, an error message): line
    /// breaks become visible `␊`, so the result never spans two lines.
    public static func line(_ text: String) -> String {
        sanitize(text, lineBreak: lineBreakPicture)
    }

    /// For a line of JSON text (as Foundation's encoder writes it, which escapes only C0 controls): DEL,
    /// C1 controls, the Unicode line separators and the bidi controls become `\uXXXX` escapes too. They
    /// can only stand inside JSON strings, so the JSON means exactly the same, and nothing in it acts on a
    /// terminal that shows it.
    public static func json(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isInvisibleInJSON) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if isInvisibleInJSON(scalar) {
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func isInvisibleInJSON(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x7F...0x9F, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    private static func sanitize(_ text: String, lineBreak: Unicode.Scalar) -> String {
        // Fast path: most text needs no change, and scanning scalars is cheap.
        guard text.unicodeScalars.contains(where: { needsReplacement($0, keepingNewline: lineBreak == "\n") }) else { return text }
        var result = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        var pending = scalars.next()
        while let scalar = pending {
            pending = scalars.next()
            switch scalar.value {
            case 0x0D where pending == "\n":
                continue // CRLF: the following "\n" stands for both.
            case 0x0A, 0x2028, 0x2029:
                result.append(lineBreak)
            case 0x09:
                result.append(" ")
            case 0x00...0x1F:
                result.append(Unicode.Scalar(0x2400 + scalar.value) ?? replacement)
            case 0x7F:
                result.append("\u{2421}")
            case 0x80...0x9F, 0x202A...0x202E, 0x2066...0x2069:
                result.append(replacement)
            default:
                result.append(scalar)
            }
        }
        return String(result)
    }

    private static func needsReplacement(_ scalar: Unicode.Scalar, keepingNewline: Bool) -> Bool {
        switch scalar.value {
        case 0x0A: !keepingNewline
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}

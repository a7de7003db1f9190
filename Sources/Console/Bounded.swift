/// Text from the arena is kept as it came, bounded in length: a misbehaving arena cannot grow the state
/// without limit. (Escape sequences are neutralised where text is drawn: the TUI's `Frame.put` is the
/// one place anything reaches the terminal.)
enum Sanitized {
    static func text(_ text: String, limit: Int = 4096) -> String {
        text.count > limit ? String(text.prefix(limit)) + "…" : text
    }
}

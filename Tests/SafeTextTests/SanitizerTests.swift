import Testing
import SafeText

@Suite("Sanitizer")
struct SanitizerTests {
    @Test("ESC is shown, so a CSI sequence is inert text")
    func csi() {
        #expect(Sanitizer.clean("\u{1B}[2J") == "␛[2J")
        #expect(Sanitizer.clean("red \u{1B}[31mtext\u{1B}[0m") == "red ␛[31mtext␛[0m")
    }

    @Test("An OSC title sequence loses its ESC and BEL")
    func osc() {
        #expect(Sanitizer.clean("\u{1B}]0;title\u{7}") == "␛]0;title␇")
    }

    @Test("C1 controls, the 8-bit CSI among them, become U+FFFD")
    func c1() {
        #expect(Sanitizer.clean("\u{9B}2J") == "\u{FFFD}2J")
        #expect(Sanitizer.clean("a\u{80}b\u{9F}c") == "a\u{FFFD}b\u{FFFD}c")
    }

    @Test("Bidi overrides and isolates become U+FFFD")
    func bidi() {
        let cleaned = Sanitizer.clean("abc\u{202E}fed\u{202C} \u{2066}x\u{2069} \u{202A}\u{202B}\u{202D}\u{2067}\u{2068}")
        #expect(cleaned == "abc\u{FFFD}fed\u{FFFD} \u{FFFD}x\u{FFFD} \u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}")
    }

    @Test("Newlines stay, tabs become a space, CRLF becomes LF, a lone CR and DEL are shown")
    func whitespace() {
        #expect(Sanitizer.clean("a\nb") == "a\nb")
        #expect(Sanitizer.clean("a\tb") == "a b")
        #expect(Sanitizer.clean("a\r\nb\r\n") == "a\nb\n")
        #expect(Sanitizer.clean("a\rb") == "a␍b")
        #expect(Sanitizer.clean("a\u{7F}") == "a␡")
        #expect(Sanitizer.clean("a\u{2028}b\u{2029}c") == "a\nb\nc")
    }

    @Test("CJK, emoji and combining marks pass unchanged")
    func keepsText() {
        let text = "界 한 あ 😀 👍🏽 🇫🇷 👨‍👩‍👧 ❤️ e\u{301} \u{200D}"
        #expect(Sanitizer.clean(text) == text)
        #expect(Sanitizer.clean(text).unicodeScalars.elementsEqual(text.unicodeScalars))
    }

    @Test("No control but a newline survives, and cleaning twice changes nothing")
    func everyControl() {
        var text = ""
        for value in UInt32(0)...0x9F { text.unicodeScalars.append(Unicode.Scalar(value)!) }
        text += "\u{202A}\u{202B}\u{202C}\u{202D}\u{202E}\u{2066}\u{2067}\u{2068}\u{2069}"
        let cleaned = Sanitizer.clean(text)
        for scalar in cleaned.unicodeScalars where scalar != "\n" {
            #expect(!(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)))
            #expect(!(0x202A...0x202E).contains(scalar.value) && !(0x2066...0x2069).contains(scalar.value))
        }
        #expect(Sanitizer.clean(cleaned) == cleaned)
    }

    @Test("A line never breaks: LF, CRLF, CR and the Unicode separators are shown, not obeyed")
    func lines() {
        #expect(Sanitizer.line("a\nb") == "a␊b")
        #expect(Sanitizer.line("name\r\n[arena] info: forged") == "name␊[arena] info: forged")
        #expect(Sanitizer.line("a\rb") == "a␍b")
        #expect(Sanitizer.line("a\u{2028}b\u{2029}c") == "a␊b␊c")
        #expect(Sanitizer.line("\u{1B}]0;pwned\u{7} \u{9B}2J \u{202E}x") == "␛]0;pwned␇ �2J �x")
        #expect(Sanitizer.line("plain text, 界 😀") == "plain text, 界 😀")
    }

    @Test("A cleaned line holds no control at all, and cleaning twice changes nothing")
    func everyControlInALine() {
        var text = ""
        for value in UInt32(0)...0x9F { text.unicodeScalars.append(Unicode.Scalar(value)!) }
        text += "\u{2028}\u{2029}\u{202A}\u{202E}\u{2066}\u{2069}"
        let cleaned = Sanitizer.line(text)
        for scalar in cleaned.unicodeScalars {
            #expect(!(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)))
            #expect(![0x2028, 0x2029].contains(scalar.value))
        }
        #expect(Sanitizer.line(cleaned) == cleaned)
    }

    @Test("JSON lines keep their meaning, with DEL, C1, separators and bidi controls escaped")
    func json() throws {
        let text = #"{"a":"x\u001b[2J\u007f\u009b\u202e\u2066\u2028y"}"#
        let raw = "{\"a\":\"x\\u001b[2J\u{7F}\u{9B}\u{202E}\u{2066}\u{2028}y\"}"
        #expect(Sanitizer.json(raw) == text)
        #expect(Sanitizer.json(#"{"plain":"ok 界"}"#) == #"{"plain":"ok 界"}"#)
    }
}

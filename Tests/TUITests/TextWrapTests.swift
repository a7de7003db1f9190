import Testing
import TUI

@Suite("Text wrap")
struct TextWrapTests {
    @Test("Empty text is one empty line")
    func empty() {
        #expect(TextWrap.lines("", width: 10) == [""])
    }

    @Test("Words wrap at spaces, which are dropped at the break")
    func words() {
        #expect(TextWrap.lines("hello world", width: 11) == ["hello world"])
        #expect(TextWrap.lines("hello world", width: 5) == ["hello", "world"])
        #expect(TextWrap.lines("a b c", width: 3) == ["a b", "c"])
        #expect(TextWrap.lines("hello   world", width: 7) == ["hello", "world"])
        #expect(TextWrap.lines("a  b", width: 10) == ["a  b"])
        #expect(TextWrap.lines("abc   ", width: 10) == ["abc"])
    }

    @Test("Explicit newlines break, blank lines stay, CRLF and tabs are sanitized")
    func newlines() {
        #expect(TextWrap.lines("a\n\nb", width: 5) == ["a", "", "b"])
        #expect(TextWrap.lines("a\n", width: 5) == ["a", ""])
        #expect(TextWrap.lines("a\r\nb\tc", width: 5) == ["a", "b c"])
        #expect(TextWrap.lines("\u{1B}[2J", width: 10) == ["␛[2J"])
    }

    @Test("Indentation is kept on a paragraph's first line")
    func indentation() {
        #expect(TextWrap.lines("  indented text", width: 10) == ["  indented", "text"])
        #expect(TextWrap.lines("  abcdefgh", width: 5) == ["  abc", "defgh"])
        #expect(TextWrap.lines("    界", width: 3) == ["界"]) // "  界" would be 4 columns
    }

    @Test("Words longer than the line are broken between clusters")
    func hardBreak() {
        #expect(TextWrap.lines("abcdefgh", width: 3) == ["abc", "def", "gh"])
        #expect(TextWrap.lines("xy abcdefgh", width: 4) == ["xy", "abcd", "efgh"])
        #expect(TextWrap.lines("e\u{301}e\u{301}e\u{301}", width: 2) == ["e\u{301}e\u{301}", "e\u{301}"])
        #expect(TextWrap.lines("👨‍👩‍👧👨‍👩‍👧", width: 3) == ["👨‍👩‍👧", "👨‍👩‍👧"])
    }

    @Test("CJK wraps by display width and never splits a wide character")
    func cjk() {
        #expect(TextWrap.lines("日本語テキスト", width: 5) == ["日本", "語テ", "キス", "ト"])
        #expect(TextWrap.lines("ab 界界界", width: 4) == ["ab", "界界", "界"])
        #expect(TextWrap.lines("界", width: 1) == ["界"])
        #expect(TextWrap.lines("ab", width: 0) == ["a", "b"])
    }

    @Test("No line is wider than the width", arguments: 2...24)
    func fits(width: Int) {
        let text = "The swarm 👨‍👩‍👧 said: 日本語のテキスト mixed with e\u{301}tudes and 🇫🇷 flags, supercalifragilistic!\n\n  next"
        let lines = TextWrap.lines(text, width: width)
        for line in lines {
            #expect(line.displayWidth <= width, "\(line.debugDescription) is wider than \(width)")
        }
        let words = { (text: String) in text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined() }
        #expect(words(lines.joined(separator: " ")) == words(text))
    }

    @Test("Truncation ends in an ellipsis, measured by display width")
    func truncated() {
        #expect(TextWrap.truncated("hello", width: 10) == "hello")
        #expect(TextWrap.truncated("hello", width: 5) == "hello")
        #expect(TextWrap.truncated("hello world", width: 8) == "hello w…")
        #expect(TextWrap.truncated("日本語", width: 4) == "日…")
        #expect(TextWrap.truncated("日本語", width: 5) == "日本…")
        #expect(TextWrap.truncated("ab", width: 1) == "…")
        #expect(TextWrap.truncated("ab", width: 0) == "")
        #expect(TextWrap.truncated("a\nb\u{1B}", width: 10) == "a b␛")
        #expect(TextWrap.truncated("abcdef", width: 4, ellipsis: "...") == "a...")
    }
}

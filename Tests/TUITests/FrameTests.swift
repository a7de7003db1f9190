import Testing
import TUI

@Suite("Frame")
struct FrameTests {
    @Test("A new frame is blank in its fill style")
    func blank() {
        let frame = Frame(width: 3, height: 2, fill: blue)
        #expect(frame[row: 1, column: 2] == Cell(grapheme: " ", style: blue))
        #expect(frame.text() == "\n")
        #expect(Frame(width: -1, height: 2).width == 0)
    }

    @Test("Text is drawn cell by cell and reports the columns it used")
    func putASCII() {
        var frame = Frame(width: 10, height: 2)
        #expect(frame.put("hello", row: 1, column: 2, style: red) == 5)
        #expect(frame.text() == "\n  hello")
        #expect(frame[row: 1, column: 2] == Cell(grapheme: "h", style: red))
        #expect(frame[row: 1, column: 7] == .blank())
    }

    @Test("Text is clipped by maxWidth and by the frame edge")
    func clipASCII() {
        var frame = Frame(width: 8, height: 1)
        #expect(frame.put("abcdef", row: 0, column: 0, style: .plain, maxWidth: 3) == 3)
        #expect(frame.put("uvwxyz", row: 0, column: 5, style: .plain) == 3)
        #expect(frame.text() == "abc  uvw")
        #expect(frame.put("zzz", row: 0, column: 8, style: .plain) == 0)
        #expect(frame.put("zzz", row: 0, column: 0, style: .plain, maxWidth: 0) == 0)
        #expect(frame.put("zzz", row: 1, column: 0, style: .plain) == 0)
        #expect(frame.put("zzz", row: -1, column: 0, style: .plain) == 0)
        #expect(frame.text() == "abc  uvw")
    }

    @Test("Wide characters take two cells; the second is a continuation")
    func wideCells() {
        var frame = Frame(width: 6, height: 1)
        #expect(frame.put("界😀!", row: 0, column: 0, style: red) == 5)
        #expect(frame[row: 0, column: 0] == Cell(grapheme: "界", style: red))
        #expect(frame[row: 0, column: 1] == Cell(grapheme: "", style: red))
        #expect(frame[row: 0, column: 2].grapheme == "😀")
        #expect(frame[row: 0, column: 3].isContinuation)
        #expect(frame[row: 0, column: 4].grapheme == "!")
        #expect(frame.text() == "界😀!")
        expectWideInvariant(frame)
    }

    @Test("Clipping counts columns, not characters: a wide character at an odd edge becomes a space")
    func clipWideAtOddEdge() {
        var frame = Frame(width: 5, height: 3)
        #expect(frame.put("界界界", row: 0, column: 0, style: red) == 5)
        #expect(frame[row: 0, column: 4] == Cell(grapheme: " ", style: red))
        #expect(frame.put("界界界", row: 1, column: 0, style: red, maxWidth: 3) == 3)
        #expect(frame.put("ab界c", row: 2, column: 2, style: red) == 3)
        #expect(frame.text() == "界界\n界\n  ab")
        #expect(frame[row: 1, column: 2] == Cell(grapheme: " ", style: red))
        #expect(frame[row: 2, column: 4] == Cell(grapheme: " ", style: red))
        #expect(frame[row: 1, column: 3] == .blank())
        expectWideInvariant(frame)
    }

    @Test("Clusters are never split: flags, families and accents land whole")
    func clusters() {
        var frame = Frame(width: 9, height: 1)
        #expect(frame.put("🇫🇷👨‍👩‍👧e\u{301}👍🏽", row: 0, column: 0, style: .plain) == 7)
        #expect(frame[row: 0, column: 0].grapheme == "🇫🇷")
        #expect(frame[row: 0, column: 2].grapheme == "👨‍👩‍👧")
        #expect(frame[row: 0, column: 4].grapheme == "e\u{301}")
        #expect(frame[row: 0, column: 5].grapheme == "👍🏽")
        expectWideInvariant(frame)
    }

    @Test("Drawing over either half of a wide character blanks the other half in its own style")
    func overwriteHalf() {
        var frame = Frame(width: 6, height: 1)
        frame.put("界界界", row: 0, column: 0, style: red)
        frame.put("x", row: 0, column: 1, style: blue)
        #expect(frame.text() == " x界界")
        #expect(frame[row: 0, column: 0] == Cell(grapheme: " ", style: red))
        frame.put("y", row: 0, column: 2, style: blue)
        #expect(frame.text() == " xy 界")
        #expect(frame[row: 0, column: 3] == Cell(grapheme: " ", style: red))
        expectWideInvariant(frame)
    }

    @Test("A wide character drawn across two others blanks both outside halves")
    func overwriteMisaligned() {
        var frame = Frame(width: 8, height: 1)
        frame.put("界界界界", row: 0, column: 0, style: red)
        #expect(frame.put("字", row: 0, column: 3, style: blue) == 2)
        #expect(frame.text() == "界 字 界")
        #expect(frame[row: 0, column: 2] == Cell(grapheme: " ", style: red))
        #expect(frame[row: 0, column: 5] == Cell(grapheme: " ", style: red))
        expectWideInvariant(frame)
    }

    @Test("Escape sequences are drawn as inert text; newlines as spaces; stray zero-width clusters dropped")
    func sanitized() {
        var frame = Frame(width: 12, height: 2)
        #expect(frame.put("\u{1B}[2J\u{9B}", row: 0, column: 0, style: .plain) == 5)
        #expect(frame.put("a\nb\u{200B}c\td", row: 1, column: 0, style: .plain) == 6)
        #expect(frame.text() == "␛[2J\u{FFFD}\na bc d")
        expectWideInvariant(frame)
    }

    @Test("A negative column scrolls text off the left edge, halving a wide character")
    func negativeColumn() {
        var frame = Frame(width: 4, height: 1)
        #expect(frame.put("界ab", row: 0, column: -1, style: red) == 4)
        #expect(frame.text() == " ab")
        #expect(frame[row: 0, column: 0] == Cell(grapheme: " ", style: red))
        expectWideInvariant(frame)
    }

    @Test("fill paints a clipped rectangle and cuts wide characters at its edges")
    func fill() {
        var frame = Frame(width: 6, height: 3)
        frame.put("界界界", row: 1, column: 0, style: red)
        frame.fill(row: 1, column: 1, width: 2, height: 5, style: inverse)
        #expect(frame.text() == "\n    界\n")
        #expect(frame[row: 1, column: 0] == Cell(grapheme: " ", style: red))
        #expect(frame[row: 1, column: 1] == Cell(grapheme: " ", style: inverse))
        #expect(frame[row: 2, column: 2] == Cell(grapheme: " ", style: inverse))
        #expect(frame[row: 1, column: 3] == Cell(grapheme: " ", style: red))
        #expect(frame[row: 0, column: 1] == .blank())
        frame.fill(row: -2, column: -2, width: 3, height: 3, style: blue)
        #expect(frame[row: 0, column: 0] == .blank(blue))
        #expect(frame[row: 0, column: 1] == .blank())
        expectWideInvariant(frame)
    }

    @Test("A box draws its border and a title in the top edge")
    func box() {
        var frame = Frame(width: 10, height: 4)
        frame.box(row: 0, column: 0, width: 10, height: 4, style: .plain, title: "Log")
        #expect(frame.text() == """
        ┌─ Log ──┐
        │        │
        │        │
        └────────┘
        """)
    }

    @Test("A box's title is cut with an ellipsis by display width, or left out when there is no room")
    func boxTitles() {
        var frame = Frame(width: 9, height: 6)
        frame.box(row: 0, column: 0, width: 8, height: 2, style: .plain, title: "Messages", titleStyle: red)
        frame.box(row: 2, column: 0, width: 9, height: 2, style: .plain, title: "日本語")
        frame.box(row: 4, column: 0, width: 6, height: 2, style: .plain, title: "Log")
        #expect(frame.text() == """
        ┌─ M… ─┐
        └──────┘
        ┌─ 日… ─┐
        └───────┘
        ┌────┐
        └────┘
        """)
        #expect(frame[row: 0, column: 3] == Cell(grapheme: "M", style: red))
        expectWideInvariant(frame)
    }

    @Test("A box is clipped by the frame, cuts wide characters it crosses, and needs 2×2")
    func boxClipped() {
        var frame = Frame(width: 5, height: 3)
        frame.put("界界", row: 1, column: 0, style: .plain)
        frame.box(row: 0, column: 1, width: 7, height: 3, style: .plain, title: "Wide title")
        frame.box(row: 0, column: 0, width: 1, height: 3, style: .plain)
        #expect(frame.text() == """
         ┌─ …
         │界
         └───
        """)
        expectWideInvariant(frame)
    }

    @Test("Random overlapping edits keep the wide-character invariant")
    func randomEdits() {
        var generator = SplitMix64(state: 42)
        let pieces = ["界", "ab", "😀", "x", "👨‍👩‍👧", "e\u{301}", "字a", " ", "🇫🇷z"]
        var frame = Frame(width: 11, height: 3)
        for _ in 0..<500 {
            let text = (0..<Int.random(in: 1...3, using: &generator))
                .map { _ in pieces.randomElement(using: &generator)! }.joined()
            let row = Int.random(in: -1...3, using: &generator)
            let column = Int.random(in: -2...11, using: &generator)
            if Bool.random(using: &generator) {
                frame.put(text, row: row, column: column, style: red, maxWidth: Int.random(in: 0...6, using: &generator))
            } else {
                frame.fill(row: row, column: column, width: 2, height: 1, style: blue)
            }
        }
        expectWideInvariant(frame)
    }
}

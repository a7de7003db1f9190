import Testing
import TUI

@Suite("Display width")
struct DisplayWidthTests {
    @Test("Printable ASCII is one column a character")
    func ascii() {
        #expect(DisplayWidth.of("a" as Character) == 1)
        #expect(DisplayWidth.of(" " as Character) == 1)
        #expect("hello, world!".displayWidth == 13)
    }

    @Test("East Asian wide and fullwidth characters are two columns", arguments: [
        "界", "한", "あ", "カ", "Ａ", "。", "\u{3000}", "\u{1100}\u{1161}",
    ] as [Character])
    func wide(character: Character) {
        #expect(DisplayWidth.of(character) == 2)
    }

    @Test("Halfwidth katakana and a lone Hangul vowel jamo are not wide")
    func narrowNeighbours() {
        #expect(DisplayWidth.of("ｶ" as Character) == 1)
        #expect(DisplayWidth.of("\u{1161}" as Unicode.Scalar) == 0)
    }

    @Test("Emoji with default emoji presentation are two columns", arguments: [
        "😀", "👍🏽", "🇫🇷", "👨‍👩‍👧", "❤️", "1️⃣", "🏽",
    ] as [Character])
    func emoji(character: Character) {
        #expect(DisplayWidth.of(character) == 2)
    }

    @Test("A text-presentation emoji without VS16 stays one column")
    func textPresentation() {
        #expect(DisplayWidth.of("\u{2764}" as Character) == 1)
        #expect(DisplayWidth.of("\u{2764}\u{FE0F}" as Character) == 2)
    }

    @Test("A lone regional indicator is one column; the pair is a two-column flag")
    func regionalIndicators() {
        #expect(DisplayWidth.of("🇫" as Character) == 1)
        #expect("🇫🇷".count == 1)
        #expect("🇫🇷".displayWidth == 2)
    }

    @Test("Combining marks, joiners and selectors take no column")
    func zeroWidth() {
        #expect(DisplayWidth.of("e\u{301}" as Character) == 1)
        #expect("e\u{301}".displayWidth == 1)
        for scalar: Unicode.Scalar in ["\u{301}", "\u{20DD}", "\u{200D}", "\u{200B}", "\u{FE0F}", "\u{E0101}"] {
            #expect(DisplayWidth.of(scalar) == 0, "U+\(String(scalar.value, radix: 16))")
        }
        #expect(DisplayWidth.of("\u{200D}" as Character) == 0)
    }

    @Test("Controls measure zero: they are never drawn")
    func controls() {
        for value: UInt32 in [0x00, 0x07, 0x09, 0x0A, 0x1B, 0x7F, 0x80, 0x9B, 0x9F] {
            let scalar = Unicode.Scalar(value)!
            #expect(DisplayWidth.of(scalar) == 0, "U+\(String(value, radix: 16))")
        }
    }

    @Test("A string's width sums its clusters")
    func mixed() {
        #expect("a界😀e\u{301}👨‍👩‍👧🇫🇷".displayWidth == 10) // 1 + 2 + 2 + 1 + 2 + 2
        #expect(Substring("ab界").displayWidth == 4)
    }
}

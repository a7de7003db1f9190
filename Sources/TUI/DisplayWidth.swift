/// How many terminal columns a scalar, a grapheme cluster or a string occupies.
///
/// Computed from Swift's own Unicode tables plus one compact East Asian Width table, never from the locale or
/// glibc `wcwidth`, so golden screens are identical on every machine (DESIGN §8: Swift has no East-Asian-width
/// table, and `wcwidth` would need a C wrapper and depends on `setlocale`).
///
/// Widths are 0, 1 or 2. Controls measure 0 because they are never drawn: `Sanitizer` replaces them first, so
/// measure sanitized text when the result must match what `Frame.put` draws.
public enum DisplayWidth {
    /// The width of one scalar on its own.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        // C0, DEL and C1 controls: never drawn.
        if value < 0x20 || (0x7F...0x9F).contains(value) { return 0 }
        // Printable ASCII is by far the common case; skip the property look-ups.
        if value < 0x7F { return 1 }
        if isZeroWidth(scalar) { return 0 }
        if isWide(value) || scalar.properties.isEmojiPresentation { return isRegionalIndicator(value) ? 1 : 2 }
        return 1
    }

    /// The width of one grapheme cluster (one `Character`).
    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if scalars.count == 1 { return of(first) }
        // A pair of regional indicators is a flag; terminals draw it two columns wide.
        if isRegionalIndicator(first.value) { return 2 }
        // VS16 asks for emoji presentation ("❤️"), and a ZWJ sequence of emoji ("👨‍👩‍👧") is drawn as one glyph.
        if scalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        if first.properties.isEmoji, scalars.contains(where: { $0.value == 0x200D }) { return 2 }
        // Otherwise the base decides ("e\u{301}" is 1, "👍🏽" is 2); a cluster of marks alone takes the widest.
        let base = of(first)
        if base != 0 { return base }
        return scalars.reduce(0) { max($0, of($1)) }
    }

    private static func isRegionalIndicator(_ value: UInt32) -> Bool {
        (0x1F1E6...0x1F1FF).contains(value)
    }

    private static func isZeroWidth(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200B...0x200F, 0x2060...0x2064: // zero-width space/joiners, word joiner, invisible operators
            return true
        case 0xFE00...0xFE0F, 0xE0100...0xE01EF: // variation selectors
            return true
        case 0x1160...0x11FF, 0xD7B0...0xD7FF: // Hangul medial vowels and final consonants join the leading jamo
            return true
        default:
            break
        }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format:
            return true
        default:
            return false
        }
    }

    private static func isWide(_ value: UInt32) -> Bool {
        // Binary search over the sorted, non-overlapping ranges below.
        var low = 0
        var high = wideRanges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let range = wideRanges[middle]
            if value < range.lowerBound {
                high = middle - 1
            } else if value > range.upperBound {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }

    /// East Asian Wide (W) and Fullwidth (F) blocks, after UAX #11's EastAsianWidth.txt, coarsened to whole blocks.
    /// Emoji are not listed: `isEmojiPresentation` covers them. Combining marks inside these blocks (kana voicing
    /// marks U+3099–309A, ideographic tone marks) are caught earlier by their general category.
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, // Hangul Jamo, leading consonants
        0x2329...0x232A, // angle brackets
        0x2E80...0x2FDF, // CJK radicals, Kangxi radicals
        0x2FF0...0x303E, // ideographic description, CJK symbols and punctuation (U+3000 ideographic space)
        0x3041...0x33FF, // Hiragana, Katakana, Bopomofo, Hangul compatibility jamo, Kanbun, CJK strokes, enclosed
        0x3400...0x4DBF, // CJK Extension A
        0x4E00...0x9FFF, // CJK Unified Ideographs
        0xA000...0xA4CF, // Yi
        0xA960...0xA97F, // Hangul Jamo Extended-A
        0xAC00...0xD7A3, // Hangul syllables
        0xF900...0xFAFF, // CJK compatibility ideographs
        0xFE10...0xFE19, // vertical forms
        0xFE30...0xFE6F, // CJK compatibility forms, small form variants
        0xFF00...0xFF60, // fullwidth ASCII and punctuation
        0xFFE0...0xFFE6, // fullwidth signs
        0x16FE0...0x16FFF, // ideographic symbols and punctuation
        0x17000...0x18D8F, // Tangut, Khitan
        0x1AFF0...0x1B2FF, // Kana supplements, Nushu
        0x1F200...0x1F2FF, // enclosed ideographic supplement
        0x20000...0x2FFFD, // CJK Extensions B–F, compatibility supplement
        0x30000...0x3FFFD, // CJK Extensions G and later
    ]
}

extension StringProtocol {
    /// The number of terminal columns this text occupies, cluster by cluster (see `DisplayWidth`).
    public var displayWidth: Int {
        reduce(0) { $0 + DisplayWidth.of($1) }
    }
}

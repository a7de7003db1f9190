import SafeText

/// Fitting text into columns: word wrap and truncation, both by display width.
///
/// Both sanitize first (see `Sanitizer`), so the widths they measure are the widths `Frame.put` draws.
public enum TextWrap {
    /// Wraps text into lines of at most `width` columns.
    ///
    /// Breaks at spaces, which are dropped at the break; other runs of spaces and a paragraph's indentation
    /// are kept. A word longer than the line is broken between grapheme clusters. `"\n"` always breaks, so
    /// an empty input or a blank line gives `""`. A width below 1 counts as 1; a wide character on a
    /// one-column line still gets a line of its own (two columns), which `Frame.put` then clips to a space.
    public static func lines(_ text: String, width: Int) -> [String] {
        let width = max(1, width)
        return Sanitizer.clean(text)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .flatMap { wrap(paragraph: $0, width: width) }
    }

    /// The text on one line of at most `width` columns, ending in `ellipsis` when it had to be cut. Newlines
    /// become spaces. When even the ellipsis does not fit, the text is cut without one.
    public static func truncated(_ text: String, width: Int, ellipsis: String = "…") -> String {
        let line = String(Sanitizer.clean(text).map { $0 == "\n" ? " " : $0 })
        guard line.displayWidth > width else { return line }
        let ellipsisWidth = ellipsis.displayWidth
        let room = ellipsisWidth <= width ? width - ellipsisWidth : width
        var result = ""
        var used = 0
        for character in line {
            let columns = DisplayWidth.of(character)
            if used + columns > room { break }
            result.append(character)
            used += columns
        }
        return ellipsisWidth <= width ? result + ellipsis : result
    }

    private static func wrap(paragraph: Substring, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        var lineWidth = 0
        var lineHasWord = false
        var spaces = 0 // spaces seen since the last word, written only if a word follows on the same line

        func breakLine() {
            lines.append(line)
            line = ""
            lineWidth = 0
            lineHasWord = false
            spaces = 0
        }

        for word in words(of: paragraph) {
            guard let word else {
                spaces += 1
                continue
            }
            let wordWidth = word.displayWidth
            if lineHasWord, lineWidth + spaces + wordWidth > width {
                breakLine()
            }
            // Spaces before the first word are indentation; keep at most a line's worth less one column.
            let gap = lineHasWord ? spaces : min(spaces, width - 1)
            line += String(repeating: " ", count: gap)
            lineWidth += gap
            spaces = 0
            if lineWidth + wordWidth <= width {
                line += word
                lineWidth += wordWidth
            } else {
                for character in word {
                    let columns = DisplayWidth.of(character)
                    if lineWidth + columns > width, lineWidth > 0 {
                        // Indentation alone is not worth a line of its own.
                        if line.contains(where: { $0 != " " }) { lines.append(line) }
                        line = ""
                        lineWidth = 0
                    }
                    line.append(character)
                    lineWidth += columns
                }
            }
            lineHasWord = true
        }
        lines.append(line)
        return lines
    }

    /// The paragraph as words, with `nil` for each space between them.
    private static func words(of paragraph: Substring) -> [Substring?] {
        var result: [Substring?] = []
        var start = paragraph.startIndex
        var index = start
        while index < paragraph.endIndex {
            if paragraph[index] == " " {
                if start < index { result.append(paragraph[start..<index]) }
                result.append(nil)
                start = paragraph.index(after: index)
            }
            index = paragraph.index(after: index)
        }
        if start < paragraph.endIndex { result.append(paragraph[start..<paragraph.endIndex]) }
        return result
    }
}

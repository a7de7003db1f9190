import SafeText

/// One terminal cell: a grapheme cluster and how to draw it.
public struct Cell: Equatable, Sendable {
    /// One `Character` as a `String`; `""` for the trailing half of a wide (two-column) character, whose
    /// leading half sits in the cell to its left.
    public var grapheme: String
    public var style: Style

    public init(grapheme: String, style: Style = .plain) {
        self.grapheme = grapheme
        self.style = style
    }

    /// A space in the given style.
    public static func blank(_ style: Style = .plain) -> Cell {
        Cell(grapheme: " ", style: style)
    }

    /// Whether this is the trailing half of a wide character (nothing to draw: the terminal already moved past it).
    public var isContinuation: Bool { grapheme.isEmpty }
}

/// A screen's worth of cells, drawn by the view and diffed by `FrameDiff`.
///
/// Invariant: a continuation cell (`""`) always follows a cell holding a two-column character, and a
/// two-column character is always followed by its continuation. Every drawing call keeps it: text is
/// clipped by display width, and overwriting either half of a wide character blanks the other half.
public struct Frame: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// Row-major; `FrameDiff` reads it directly.
    private(set) var cells: [Cell]

    public init(width: Int, height: Int, fill style: Style = .plain) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank(style), count: self.width * self.height)
    }

    public subscript(row row: Int, column column: Int) -> Cell {
        precondition(contains(row: row, column: column), "cell (\(row), \(column)) is outside a \(width)×\(height) frame")
        return cells[row * width + column]
    }

    /// The cells of one row, left to right.
    public func row(_ row: Int) -> ArraySlice<Cell> {
        precondition((0..<height).contains(row), "row \(row) is outside a frame of height \(height)")
        return cells[row * width..<(row + 1) * width]
    }

    public func contains(row: Int, column: Int) -> Bool {
        (0..<height).contains(row) && (0..<width).contains(column)
    }

    // MARK: Drawing

    /// Draws one line of text from `column`, clipped to the frame and to `maxWidth` columns, and returns how
    /// many columns it advanced (where the next piece of the line starts, relative to `column`).
    ///
    /// The text is sanitized first (see `Sanitizer`); `"\n"` is drawn as a space — wrap with `TextWrap` for
    /// several lines. Zero-width clusters that stand alone (a stray combining mark, U+200B) are dropped. A wide
    /// character that would straddle the right clip edge is drawn as a space and ends the text; one straddling
    /// column 0 (negative `column`, for horizontal scrolling) shows its visible half as a space.
    @discardableResult
    public mutating func put(_ text: String, row: Int, column: Int, style: Style, maxWidth: Int? = nil) -> Int {
        guard (0..<height).contains(row) else { return 0 }
        let limit = maxWidth.map { min(width, column + max(0, $0)) } ?? width
        // Most text is printable ASCII: one byte, one cell, nothing to sanitize. That path skips grapheme
        // breaking and width lookups, which dominate a frame's cost otherwise.
        if column >= 0, text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            var cursor = column
            for byte in text.utf8 {
                if cursor >= limit { break }
                write(String(UnicodeScalar(byte)), columns: 1, row: row, column: cursor, style: style)
                cursor += 1
            }
            return cursor - column
        }
        var cursor = column
        for character in Sanitizer.clean(text) {
            let grapheme = character == "\n" ? " " : String(character)
            let columns = character == "\n" ? 1 : DisplayWidth.of(character)
            if columns == 0 { continue }
            if cursor >= limit { break }
            if cursor + columns > limit {
                if cursor >= 0 { write(" ", columns: 1, row: row, column: cursor, style: style) }
                cursor += 1
                break
            }
            if cursor < 0 {
                if cursor + columns > 0 { write(" ", columns: 1, row: row, column: 0, style: style) }
            } else {
                write(grapheme, columns: columns, row: row, column: cursor, style: style)
            }
            cursor += columns
        }
        return max(0, cursor - column)
    }

    /// Fills a rectangle with spaces in `style`, clipped to the frame. Wide characters cut by its edges lose
    /// their outside half too (it becomes a space in its own style).
    public mutating func fill(row: Int, column: Int, width: Int, height: Int, style: Style) {
        let rows = max(0, row)..<min(self.height, row + max(0, height))
        let columns = max(0, column)..<min(self.width, column + max(0, width))
        guard !rows.isEmpty, !columns.isEmpty else { return }
        for row in rows {
            for column in columns {
                write(" ", columns: 1, row: row, column: column, style: style)
            }
        }
    }

    /// Draws a single-line border around a rectangle (its outermost rows and columns), clipped to the frame,
    /// with an optional title in the top edge: `┌─ Title ─────┐`. The inside is left as it was; `fill` it first
    /// for a background. A title too long for the edge ends in `…`; one with no room at all is left out. A box
    /// narrower or shorter than 2 is not drawn.
    public mutating func box(
        row: Int, column: Int, width: Int, height: Int, style: Style, title: String? = nil, titleStyle: Style? = nil
    ) {
        guard width >= 2, height >= 2 else { return }
        let bottom = row + height - 1
        let right = column + width - 1
        for x in column + 1..<right {
            putBorder("─", row: row, column: x, style: style)
            putBorder("─", row: bottom, column: x, style: style)
        }
        for y in row + 1..<bottom {
            putBorder("│", row: y, column: column, style: style)
            putBorder("│", row: y, column: right, style: style)
        }
        putBorder("┌", row: row, column: column, style: style)
        putBorder("┐", row: row, column: right, style: style)
        putBorder("└", row: bottom, column: column, style: style)
        putBorder("┘", row: bottom, column: right, style: style)

        // "┌─ " and " ─┐" frame the title.
        let room = width - 6
        guard let title, room >= 1 else { return }
        let shown = TextWrap.truncated(title, width: room)
        guard !shown.isEmpty else { return }
        put(" " + shown + " ", row: row, column: column + 2, style: titleStyle ?? style, maxWidth: room + 2)
    }

    /// The frame as plain text for golden tests: rows joined by `"\n"`, each without trailing spaces.
    public func text() -> String {
        (0..<height).map { row in
            var line = self.row(row).map(\.grapheme).joined()
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }

    // MARK: Cells

    private mutating func putBorder(_ grapheme: String, row: Int, column: Int, style: Style) {
        guard contains(row: row, column: column) else { return }
        write(grapheme, columns: 1, row: row, column: column, style: style)
    }

    /// Writes a one- or two-column grapheme at a column known to fit, blanking the halves of any wide
    /// characters it partly covers so the invariant holds.
    private mutating func write(_ grapheme: String, columns: Int, row: Int, column: Int, style: Style) {
        let start = row * width + column
        let end = start + columns // one past the last covered cell
        if cells[start].isContinuation {
            cells[start - 1] = .blank(cells[start - 1].style)
        }
        if column + columns < width, cells[end].isContinuation {
            cells[end] = .blank(cells[end].style)
        }
        cells[start] = Cell(grapheme: grapheme, style: style)
        if columns == 2 {
            cells[start + 1] = Cell(grapheme: "", style: style)
        }
    }
}

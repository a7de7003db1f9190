/// What changed between two frames, as runs of cells a backend draws with one cursor move each.
public enum FrameDiff {
    /// Consecutive cells of one row, to draw from `column` rightwards.
    ///
    /// A run never starts on a continuation cell and never ends between the halves of a wide character.
    /// It keeps continuation cells (`""`) so `cells.count` is the number of columns it covers: a backend
    /// draws each other cell in turn and skips continuations, because drawing the wide character already
    /// moved the terminal's cursor two columns.
    public struct Run: Equatable, Sendable {
        public var row: Int
        public var column: Int
        public var cells: [Cell]

        public init(row: Int, column: Int, cells: [Cell]) {
            self.row = row
            self.column = column
            self.cells = cells
        }
    }

    /// The runs that turn `old` into `new` on screen: every row whole when there is no old frame or its size
    /// differs (a full redraw), otherwise only the changed cells, widened to whole wide characters.
    public static func changes(from old: Frame?, to new: Frame) -> [Run] {
        guard new.width > 0 else { return [] }
        guard let old, old.width == new.width, old.height == new.height else {
            return (0..<new.height).map { Run(row: $0, column: 0, cells: Array(new.row($0))) }
        }
        var runs: [Run] = []
        for row in 0..<new.height {
            let before = old.row(row)
            let after = new.row(row)
            let base = after.startIndex
            var changed = zip(before, after).map { $0 != $1 }
            // A wide character is redrawn whole when either half changed. The frame invariant means the old
            // neighbour of a changed half has changed too, so widening the new frame's pairs is enough.
            for offset in 0..<new.width - 1 where after[base + offset + 1].isContinuation {
                if changed[offset] || changed[offset + 1] {
                    changed[offset] = true
                    changed[offset + 1] = true
                }
            }
            var offset = 0
            while offset < new.width {
                guard changed[offset] else {
                    offset += 1
                    continue
                }
                let start = offset
                while offset < new.width, changed[offset] { offset += 1 }
                runs.append(Run(row: row, column: start, cells: Array(after[base + start..<base + offset])))
            }
        }
        return runs
    }
}

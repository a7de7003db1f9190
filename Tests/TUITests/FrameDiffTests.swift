import Testing
import TUI

@Suite("Frame diff")
struct FrameDiffTests {
    @Test("No old frame: every row, whole")
    func firstFrame() {
        var frame = Frame(width: 4, height: 2)
        frame.put("ab", row: 1, column: 0, style: red)
        let runs = FrameDiff.changes(from: nil, to: frame)
        #expect(runs == [
            FrameDiff.Run(row: 0, column: 0, cells: Array(frame.row(0))),
            FrameDiff.Run(row: 1, column: 0, cells: Array(frame.row(1))),
        ])
    }

    @Test("A new size is a full redraw")
    func resized() {
        let old = Frame(width: 4, height: 2)
        let new = Frame(width: 5, height: 2)
        #expect(FrameDiff.changes(from: old, to: new).map(\.cells.count) == [5, 5])
        let taller = Frame(width: 4, height: 3)
        #expect(FrameDiff.changes(from: old, to: taller).map(\.row) == [0, 1, 2])
        #expect(FrameDiff.changes(from: nil, to: Frame(width: 0, height: 3)).isEmpty)
    }

    @Test("Equal frames need nothing")
    func unchanged() {
        var frame = Frame(width: 6, height: 2)
        frame.put("界ab", row: 0, column: 1, style: red)
        #expect(FrameDiff.changes(from: frame, to: frame).isEmpty)
    }

    @Test("One changed cell is one run of one cell")
    func singleChange() {
        let old = Frame(width: 6, height: 3)
        var new = old
        new.put("x", row: 1, column: 3, style: red)
        #expect(FrameDiff.changes(from: old, to: new) == [
            FrameDiff.Run(row: 1, column: 3, cells: [Cell(grapheme: "x", style: red)]),
        ])
    }

    @Test("Adjacent changes merge; separated ones do not; a restyle is a change")
    func merging() {
        var old = Frame(width: 8, height: 1)
        old.put("abcdefgh", row: 0, column: 0, style: .plain)
        var new = old
        new.put("XY", row: 0, column: 1, style: .plain)
        new.put("g", row: 0, column: 6, style: red)
        let runs = FrameDiff.changes(from: old, to: new)
        #expect(runs.map(\.column) == [1, 6])
        #expect(runs.map { $0.cells.map(\.grapheme) } == [["X", "Y"], ["g"]])
    }

    /// One cell change over a line that holds wide characters, and the run that must be sent.
    struct WideEdit: CustomTestStringConvertible, Sendable {
        let label: String
        let before: String
        let put: String
        let column: Int
        let run: FrameDiff.Run
        var testDescription: String { label }
    }

    static let wideEdits = [
        WideEdit(label: "a changed wide character is sent whole, leader first", before: "ab界", put: "字", column: 2,
                 run: FrameDiff.Run(row: 0, column: 2, cells: [Cell(grapheme: "字"), Cell(grapheme: "")])),
        WideEdit(label: "overwriting the trailing half of a wide character redraws from its leading half", before: "ab界", put: "x", column: 3,
                 run: FrameDiff.Run(row: 0, column: 2, cells: [Cell(grapheme: " "), Cell(grapheme: "x")])),
        WideEdit(label: "a wide character drawn over narrow ones is sent whole", before: "abcd", put: "😀", column: 1,
                 run: FrameDiff.Run(row: 0, column: 1, cells: [Cell(grapheme: "😀"), Cell(grapheme: "")])),
    ]

    @Test("Wide characters are sent whole", arguments: wideEdits)
    func wideEdit(_ edit: WideEdit) {
        var old = Frame(width: 6, height: 1)
        old.put(edit.before, row: 0, column: 0, style: .plain)
        var new = old
        new.put(edit.put, row: 0, column: edit.column, style: .plain)
        #expect(FrameDiff.changes(from: old, to: new) == [edit.run])
    }

    @Test("A restyled wide character is sent whole")
    func restyledWide() {
        var old = Frame(width: 4, height: 1)
        old.put("a😀d", row: 0, column: 0, style: .plain)
        var new = old
        new.put("😀", row: 0, column: 1, style: red)
        #expect(FrameDiff.changes(from: old, to: new).map(\.cells.count) == [2])
    }

    @Test("Replaying the runs over the old screen gives the new one, for random edits")
    func replay() {
        var generator = SplitMix64(state: 7)
        let pieces = ["界", "ab", "😀", "x", "e\u{301}", "字a", " ", "🇫🇷"]
        var old = Frame(width: 13, height: 4)
        for _ in 0..<200 {
            var new = old
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                new.put(
                    pieces.randomElement(using: &generator)!,
                    row: Int.random(in: 0..<4, using: &generator),
                    column: Int.random(in: -1..<13, using: &generator),
                    style: Bool.random(using: &generator) ? red : blue
                )
            }
            var screen = (0..<old.height).map { Array(old.row($0)) }
            for run in FrameDiff.changes(from: old, to: new) {
                #expect(run.cells.first?.isContinuation == false, "run starts on a continuation")
                let next = run.column + run.cells.count
                #expect(next == new.width || !new[row: run.row, column: next].isContinuation, "run splits a wide char")
                screen[run.row].replaceSubrange(run.column..<next, with: run.cells)
            }
            #expect(screen == (0..<new.height).map { Array(new.row($0)) })
            old = new
        }
    }
}

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

    @Test("A changed wide character is sent whole, leader first")
    func wideChange() {
        var old = Frame(width: 6, height: 1)
        old.put("ab界", row: 0, column: 0, style: .plain)
        var new = old
        new.put("字", row: 0, column: 2, style: .plain)
        #expect(FrameDiff.changes(from: old, to: new) == [
            FrameDiff.Run(row: 0, column: 2, cells: [Cell(grapheme: "字"), Cell(grapheme: "")]),
        ])
    }

    @Test("Overwriting the trailing half of a wide character redraws from its leading half")
    func trailingHalf() {
        var old = Frame(width: 6, height: 1)
        old.put("ab界", row: 0, column: 0, style: .plain)
        var new = old
        new.put("x", row: 0, column: 3, style: .plain)
        #expect(FrameDiff.changes(from: old, to: new) == [
            FrameDiff.Run(row: 0, column: 2, cells: [Cell(grapheme: " "), Cell(grapheme: "x")]),
        ])
    }

    @Test("A wide character drawn over narrow ones, and a restyled wide character, are sent whole")
    func wideOverNarrow() {
        var old = Frame(width: 4, height: 1)
        old.put("abcd", row: 0, column: 0, style: .plain)
        var new = old
        new.put("😀", row: 0, column: 1, style: .plain)
        #expect(FrameDiff.changes(from: old, to: new) == [
            FrameDiff.Run(row: 0, column: 1, cells: [Cell(grapheme: "😀"), Cell(grapheme: "")]),
        ])
        var restyled = new
        restyled.put("😀", row: 0, column: 1, style: red)
        #expect(FrameDiff.changes(from: new, to: restyled).map(\.cells.count) == [2])
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

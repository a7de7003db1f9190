import Testing
import TUI

let red = Style(foreground: .palette(1))
let blue = Style(foreground: .palette(4))
let inverse = Style(reverse: true)

/// Every continuation follows a two-column character, and every two-column character is followed by one.
func expectWideInvariant(_ frame: Frame, sourceLocation: SourceLocation = #_sourceLocation) {
    for row in 0..<frame.height {
        let cells = Array(frame.row(row))
        for column in cells.indices {
            let cell = cells[column]
            if cell.isContinuation {
                let leader = column > 0 ? cells[column - 1].grapheme : "(row start)"
                #expect(
                    column > 0 && leader.displayWidth == 2,
                    "continuation at (\(row), \(column)) follows \(leader)", sourceLocation: sourceLocation
                )
            } else if cell.grapheme.displayWidth == 2 {
                #expect(
                    column + 1 < cells.count && cells[column + 1].isContinuation,
                    "\(cell.grapheme) at (\(row), \(column)) lacks its continuation", sourceLocation: sourceLocation
                )
            } else {
                #expect(cell.grapheme.count == 1, "(\(row), \(column)) holds \(cell.grapheme.debugDescription)",
                        sourceLocation: sourceLocation)
            }
        }
    }
}

/// A small seeded generator, so "random" edits are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

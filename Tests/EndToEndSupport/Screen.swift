/// What a terminal shows, row by row as tmux captured it (a wide character once, trailing blanks trimmed).
public struct Screen: CustomStringConvertible, Sendable {
    public let lines: [String]

    public init(lines: [String]) { self.lines = lines }

    public func contains(_ text: String) -> Bool { lines.contains { $0.contains(text) } }

    /// Row `index` from the top, or "" past the bottom.
    public func row(_ index: Int) -> String { lines.indices.contains(index) ? lines[index] : "" }

    /// The row above the input line: connection, role, agent count, the latest notice.
    public var statusBar: String { lines.count >= 2 ? lines[lines.count - 2] : "" }

    /// The inside of the box whose top edge reads `┌─ TITLE `, row by row; nil when there is no such box
    /// or its left and right edges are broken somewhere.
    public func pane(titled title: String) -> [String]? {
        guard let top = lines.firstIndex(where: { $0.contains("┌─ \(title) ") }) else { return nil }
        let edge = Self.cells(lines[top])
        guard let left = Self.column(of: "┌─ \(title) ", in: lines[top]),
              let right = edge.indices.first(where: { $0 > left && edge[$0] == "┐" }) else { return nil }
        var inside: [String] = []
        for row in lines[(top + 1)...] {
            let cells = Self.cells(row)
            guard cells.count > right else { return nil }
            if cells[left] == "└" && cells[right] == "┘" { return inside }
            guard cells[left] == "│", cells[right] == "│" else { return nil }
            inside.append(String(cells[(left + 1)..<right].compactMap { $0 }))
        }
        return nil
    }

    public var description: String {
        let width = lines.map { Self.cells($0).count }.max() ?? 0
        let rule = String(repeating: "─", count: width)
        return (["┄┄┄┄" + rule] + lines.map { "┊ " + $0 } + ["┄┄┄┄" + rule]).joined(separator: "\n")
    }

    // MARK: Display columns

    /// One entry per terminal column: the character that starts there, nil for the right half of a wide one.
    public static func cells(_ line: String) -> [Character?] {
        var cells: [Character?] = []
        for character in line {
            cells.append(character)
            if isWide(character) { cells.append(nil) }
        }
        return cells
    }

    /// The display column where `text` starts in `line`.
    public static func column(of text: String, in line: String) -> Int? {
        guard let range = line.firstRange(of: text) else { return nil }
        return cells(String(line[..<range.lowerBound])).count
    }

    /// East Asian wide and fullwidth characters, enough for the text these tests send.
    public static func isWide(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first?.value else { return false }
        switch scalar {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}

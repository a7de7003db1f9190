/// Reads a single- or double-quoted scalar, which may run over several lines (folded as YAML folds them:
/// one line break becomes a space, each empty line a "\n", a `\` at the end of a line joins the lines).
struct QuotedScanner {
    let lines: [SourceLine]
    let file: String

    /// `column` is the opening quote's; `endColumn` is just past the closing quote on `endLine`.
    mutating func scan(line start: Int, column: Int) throws(PersonaError) -> (text: String, endLine: Int, endColumn: Int) {
        let quote = lines[start].text[column]
        var text = ""
        // Escaped characters (a "\t", a "\ ") are content even at the end of a line; only what follows them
        // may be trimmed before a fold.
        var protectedLength = 0
        var line = start
        var position = column + 1
        while true {
            let characters = lines[line].text
            var escapedBreak = false
            while position < characters.count {
                let character = characters[position]
                if quote == "'" && character == "'" {
                    guard position + 1 < characters.count, characters[position + 1] == "'" else {
                        return (text, line, position + 1)
                    }
                    text.append("'")
                    position += 2
                    protectedLength = text.count
                } else if quote == "\"" && character == "\"" {
                    return (text, line, position + 1)
                } else if quote == "\"" && character == "\\" {
                    guard position + 1 < characters.count else {
                        escapedBreak = true
                        break
                    }
                    let (unescaped, length) = try unescape(characters, at: position, line: line)
                    text.append(unescaped)
                    position += length
                    protectedLength = text.count
                } else {
                    text.append(character)
                    position += 1
                }
            }
            if !escapedBreak {
                while text.count > protectedLength, let last = text.last, last == " " || last == "\t" { text.removeLast() }
            }
            line += 1
            var emptyLines = 0
            while line < lines.count && lines[line].isBlank {
                emptyLines += 1
                line += 1
            }
            guard line < lines.count else {
                throw PersonaError(file: file, line: lines[start].number, problem: .unterminatedQuote)
            }
            text += emptyLines == 0 ? (escapedBreak ? "" : " ") : String(repeating: "\n", count: emptyLines)
            protectedLength = text.count
            position = lines[line].text.prefix { $0 == " " || $0 == "\t" }.count
        }
    }

    /// The character a double-quoted escape stands for, and how many characters the escape takes.
    private func unescape(_ characters: [Character], at position: Int, line: Int) throws(PersonaError) -> (Character, Int) {
        let code = characters[position + 1]
        let simple: [Character: Character] = [
            "0": "\0", "a": "\u{07}", "b": "\u{08}", "t": "\t", "\t": "\t", "n": "\n", "v": "\u{0B}",
            "f": "\u{0C}", "r": "\r", "e": "\u{1B}", " ": " ", "\"": "\"", "/": "/", "\\": "\\",
            "N": "\u{85}", "_": "\u{A0}", "L": "\u{2028}", "P": "\u{2029}",
        ]
        if let character = simple[code] { return (character, 2) }
        let digits = ["x": 2, "u": 4, "U": 8][String(code)]
        let hex = characters.dropFirst(position + 2).prefix(digits ?? 0)
        if let digits, hex.count == digits, let value = UInt32(String(hex), radix: 16), let scalar = Unicode.Scalar(value) {
            return (Character(scalar), 2 + digits)
        }
        let shown = "\\" + String(characters.dropFirst(position + 1).prefix(1 + (digits ?? 0)))
        throw PersonaError(file: file, line: lines[line].number, problem: .unknownEscape(shown))
    }
}

/// Reads a literal (`|`) or folded (`>`) block scalar: its header's chomping (`-` strip, `+` keep) and
/// indentation indicators, then every following line indented deeper than its key, or blank.
struct BlockScalarReader {
    let lines: [SourceLine]
    let file: String
    /// The first line after the scalar.
    private(set) var nextLine = 0

    init(lines: [SourceLine], file: String) {
        self.lines = lines
        self.file = file
    }

    private enum Chomping { case clip, strip, keep }

    mutating func read(headerLine: Int, column: Int, parentIndentation: Int) throws(PersonaError) -> YAMLScalar {
        let header = lines[headerLine].text.dropFirst(column)
        let folded = header.first == ">"
        var chomping = Chomping.clip
        var explicitIndentation: Int?
        var rest = header.dropFirst()
        while let indicator = rest.first, indicator != " " && indicator != "\t" {
            if indicator == "-" && chomping == .clip {
                chomping = .strip
            } else if indicator == "+" && chomping == .clip {
                chomping = .keep
            } else if let digit = indicator.wholeNumberValue, (1...9).contains(digit), explicitIndentation == nil {
                explicitIndentation = digit
            } else {
                throw PersonaError(file: file, line: lines[headerLine].number, problem: .badBlockHeader(String(header)))
            }
            rest = rest.dropFirst()
        }
        let trailing = rest.drop { $0 == " " || $0 == "\t" }
        guard trailing.isEmpty || trailing.first == "#" else {
            throw PersonaError(file: file, line: lines[headerLine].number, problem: .badBlockHeader(String(header)))
        }

        var line = headerLine + 1
        let firstContent = lines[line...].first { !$0.isBlank }
        let indentation = explicitIndentation.map { parentIndentation + $0 } ?? firstContent?.indentation ?? 0
        var content: [String] = []
        if indentation > parentIndentation {
            while line < lines.count && (lines[line].isBlank || lines[line].indentation >= indentation) {
                content.append(lines[line].isBlank ? "" : String(lines[line].text.dropFirst(indentation)))
                line += 1
            }
        }
        nextLine = line

        let trailingEmpty = content.reversed().prefix { $0.isEmpty }.count
        let body = content.dropLast(trailingEmpty)
        var text = folded ? fold(body) : body.joined(separator: "\n")
        switch chomping {
        case .strip: break
        case .clip: if !body.isEmpty { text += "\n" }
        case .keep: text += String(repeating: "\n", count: (body.isEmpty ? 0 : 1) + trailingEmpty)
        }
        return YAMLScalar(text: text, style: folded ? .folded : .literal)
    }

    /// Joins lines with spaces; an empty line is a line break, and more-indented lines keep their breaks.
    private func fold(_ lines: ArraySlice<String>) -> String {
        var text = ""
        var emptyLines = 0
        var previousWasIndented: Bool?
        for line in lines {
            if line.isEmpty {
                emptyLines += 1
                continue
            }
            let indented = line.first == " " || line.first == "\t"
            switch previousWasIndented {
            case nil: text += String(repeating: "\n", count: emptyLines)
            case false? where !indented: text += emptyLines == 0 ? " " : String(repeating: "\n", count: emptyLines)
            default: text += String(repeating: "\n", count: emptyLines + 1)
            }
            text += line
            previousWasIndented = indented
            emptyLines = 0
        }
        return text
    }
}

/// The YAML subset a SKILL.md front matter uses: `key: value` lines, `#` comments, plain, quoted and block
/// (`|`, `>`) scalars, and indented maps (`metadata:`). Lists and flow collections are recognised only so an
/// unknown key holding one can be skipped; anchors, tags and complex keys are refused.
indirect enum YAMLNode: Equatable {
    case scalar(YAMLScalar)
    case map([YAMLEntry])
    case list
    case flowCollection

    /// What it is, for messages: "a map", "a list".
    var kind: String {
        switch self {
        case .scalar(let scalar): scalar.schemaKind ?? "a string"
        case .map: "a map"
        case .list: "a list"
        case .flowCollection: "a flow collection ([…] or {…})"
        }
    }
}

struct YAMLScalar: Equatable {
    enum Style: Equatable { case plain, singleQuoted, doubleQuoted, literal, folded }

    let text: String
    let style: Style

    /// What YAML's core schema reads an unquoted value as, when not a string: "null", "a boolean", "a number".
    var schemaKind: String? {
        guard style == .plain else { return nil }
        if ["", "~", "null", "Null", "NULL"].contains(text) { return "null" }
        // YAML 1.1 readers (PyYAML) also take yes/no/on/off as booleans; refusing them avoids surprises there.
        let booleans = ["true", "false", "yes", "no", "on", "off"]
        if booleans.contains(where: { [$0, $0.capitalized, $0.uppercased()].contains(text) }) { return "a boolean" }
        return YAMLScalar.isNumber(text) ? "a number" : nil
    }

    /// YAML 1.2 core schema numbers: 12, -3, 0x1F, 0o17, 1.0, .5, 1e3, .inf, .nan.
    static func isNumber(_ text: String) -> Bool {
        if [".nan", ".NaN", ".NAN"].contains(text) { return true }
        var rest = Substring(text)
        if let sign = rest.first, sign == "+" || sign == "-" { rest = rest.dropFirst() }
        if [".inf", ".Inf", ".INF"].contains(rest) { return true }
        if rest.hasPrefix("0x"), rest.count > 2, text.first != "-", text.first != "+" {
            return rest.dropFirst(2).allSatisfy(\.isHexDigit)
        }
        if rest.hasPrefix("0o"), rest.count > 2, text.first != "-", text.first != "+" {
            return rest.dropFirst(2).allSatisfy { ("0"..."7").contains($0) }
        }
        let mantissa = rest.prefix { $0 != "e" && $0 != "E" }
        let digits = mantissa.filter { $0 != "." }
        guard !digits.isEmpty, mantissa.filter({ $0 == "." }).count <= 1,
              digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        var exponent = rest.dropFirst(mantissa.count)
        guard !exponent.isEmpty else { return true }
        exponent = exponent.dropFirst()
        if let sign = exponent.first, sign == "+" || sign == "-" { exponent = exponent.dropFirst() }
        return !exponent.isEmpty && exponent.allSatisfy { $0.isASCII && $0.isNumber }
    }
}

struct YAMLEntry: Equatable {
    let key: String
    let line: Int
    let value: YAMLNode
}

/// Reads the front matter lines into the top-level map.
struct FrontMatterParser {
    let lines: [SourceLine]
    let file: String
    var index = 0

    init(lines: [SourceLine], file: String) {
        self.lines = lines
        self.file = file
    }

    static func parse(_ lines: [SourceLine], file: String) throws(PersonaError) -> [YAMLEntry] {
        var parser = FrontMatterParser(lines: lines, file: file)
        parser.skipBlankLinesAndComments()
        guard parser.index < lines.count else { return [] }
        let entries = try parser.parseMap(indentation: lines[parser.index].indentation)
        if parser.index < lines.count { throw parser.error(.unexpectedIndentation) }
        return entries
    }

    /// Entries at exactly `indentation` spaces; stops at the first line indented less.
    mutating func parseMap(indentation: Int) throws(PersonaError) -> [YAMLEntry] {
        var entries: [YAMLEntry] = []
        while true {
            skipBlankLinesAndComments()
            guard index < lines.count else { return entries }
            let line = lines[index]
            if line.text.prefix(while: { $0 == " " || $0 == "\t" }).contains("\t") { throw error(.tabIndentation) }
            if line.indentation < indentation { return entries }
            if line.indentation > indentation { throw error(.unexpectedIndentation) }
            let (key, valueColumn) = try parseKey(line)
            if let first = entries.first(where: { $0.key == key }) {
                throw error(.duplicateKey(key, firstLine: first.line))
            }
            let value = try parseValue(column: valueColumn, keyIndentation: indentation)
            entries.append(YAMLEntry(key: key, line: line.number, value: value))
        }
    }

    /// The key of a `key: value` line and the column just after its colon.
    private func parseKey(_ line: SourceLine) throws(PersonaError) -> (String, Int) {
        let text = line.text
        let start = line.indentation
        let notKeyValue = error(.notKeyValue(found: String(text.dropFirst(start))))
        if line.startsListItem { throw notKeyValue }
        if text[start] == "?" && (start + 1 == text.count || text[start + 1] == " ") {
            throw error(.unsupportedSyntax("complex keys (`? key`) are"))
        }
        var key: String
        var column: Int
        if text[start] == "\"" || text[start] == "'" {
            var scanner = QuotedScanner(lines: lines, file: file)
            let quoted = try scanner.scan(line: index, column: start)
            guard quoted.endLine == index else { throw notKeyValue }
            key = quoted.text
            column = quoted.endColumn
            while column < text.count && text[column] == " " { column += 1 }
            guard column < text.count, text[column] == ":" else { throw notKeyValue }
        } else {
            guard let colon = text.indices.dropFirst(start).first(where: { position in
                text[position] == ":" && (position + 1 == text.count || text[position + 1] == " ")
            }) else { throw notKeyValue }
            key = String(text[start..<colon]).trimmingTrailingBlanks()
            column = colon
            if key.isEmpty || key.contains(" #") { throw notKeyValue }
        }
        return (key, column + 1)
    }

    /// The value after a key's colon: on the same line, continued on deeper lines, or a nested block.
    private mutating func parseValue(column: Int, keyIndentation: Int) throws(PersonaError) -> YAMLNode {
        let text = lines[index].text
        var start = column
        while start < text.count && (text[start] == " " || text[start] == "\t") { start += 1 }
        guard start < text.count, text[start] != "#" else {
            index += 1
            return try parseNestedBlock(keyIndentation: keyIndentation)
        }
        switch text[start] {
        case "\"", "'":
            var scanner = QuotedScanner(lines: lines, file: file)
            let quoted = try scanner.scan(line: index, column: start)
            index = quoted.endLine
            let rest = String(lines[index].text.dropFirst(quoted.endColumn))
            let trimmed = rest.drop { $0 == " " || $0 == "\t" }
            if !trimmed.isEmpty && (!trimmed.hasPrefix("#") || trimmed.count == rest.count) {
                throw error(.textAfterQuote(String(trimmed)))
            }
            index += 1
            return .scalar(YAMLScalar(text: quoted.text, style: text[start] == "\"" ? .doubleQuoted : .singleQuoted))
        case "|", ">":
            var reader = BlockScalarReader(lines: lines, file: file)
            let scalar = try reader.read(headerLine: index, column: start, parentIndentation: keyIndentation)
            index = reader.nextLine
            return .scalar(scalar)
        case "[", "{":
            index += 1
            skipDeeperLines(than: keyIndentation)
            return .flowCollection
        case "&", "*", "!":
            throw error(.unsupportedSyntax("anchors (&), aliases (*) and tags (!) are"))
        case "@", "`":
            throw error(.needsQuotes(String(text.dropFirst(start))))
        default:
            return .scalar(YAMLScalar(text: try parsePlain(from: start, keyIndentation: keyIndentation), style: .plain))
        }
    }

    /// After `key:` with nothing more on its line: an indented map or list, or else null.
    private mutating func parseNestedBlock(keyIndentation: Int) throws(PersonaError) -> YAMLNode {
        skipBlankLinesAndComments()
        guard index < lines.count else { return .scalar(YAMLScalar(text: "", style: .plain)) }
        let line = lines[index]
        // YAML lets a list under a key start at the key's own indentation.
        if line.startsListItem && line.indentation >= keyIndentation {
            while index < lines.count, lines[index].isBlank || lines[index].isComment
                || lines[index].indentation > keyIndentation
                || (lines[index].indentation == keyIndentation && lines[index].startsListItem) {
                index += 1
            }
            return .list
        }
        guard line.indentation > keyIndentation else { return .scalar(YAMLScalar(text: "", style: .plain)) }
        return .map(try parseMap(indentation: line.indentation))
    }

    /// An unquoted value, folded over the following lines indented deeper than its key.
    private mutating func parsePlain(from start: Int, keyIndentation: Int) throws(PersonaError) -> String {
        var value = try plainSegment(lines[index].text.dropFirst(start))
        index += 1
        while true {
            var next = index
            while next < lines.count && lines[next].isBlank { next += 1 }
            guard next < lines.count, lines[next].indentation > keyIndentation else { return value }
            let segment = lines[next].text.drop { $0 == " " || $0 == "\t" }
            if segment.first == "#" { return value }
            let breaks = next - index
            index = next
            value += breaks == 0 ? " " : String(repeating: "\n", count: breaks)
            value += try plainSegment(segment)
            index += 1
        }
    }

    /// One line's share of a plain value: up to a ` #` comment, trailing blanks dropped.
    private func plainSegment(_ characters: ArraySlice<Character>) throws(PersonaError) -> String {
        var text = Array(characters)
        if let comment = text.indices.first(where: { text[$0] == "#" && $0 > 0 && [" ", "\t"].contains(text[$0 - 1]) }) {
            text = Array(text[..<comment])
        }
        let segment = String(text).trimmingTrailingBlanks()
        if segment.contains(": ") || segment.hasSuffix(":") || segment.contains(":\t") {
            throw error(.needsQuotes(segment))
        }
        return segment
    }

    private mutating func skipDeeperLines(than indentation: Int) {
        while index < lines.count && (lines[index].isBlank || lines[index].indentation > indentation) { index += 1 }
    }

    mutating func skipBlankLinesAndComments() {
        while index < lines.count {
            let line = lines[index]
            guard line.isBlank || line.isComment else { return }
            index += 1
        }
    }

    func error(_ problem: PersonaError.Problem) -> PersonaError {
        PersonaError(file: file, line: index < lines.count ? lines[index].number : lines.last?.number, problem: problem)
    }
}

extension String {
    func trimmingTrailingBlanks() -> String {
        var result = self
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}

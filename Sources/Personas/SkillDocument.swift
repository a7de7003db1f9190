/// One line of a SKILL.md, without its line break, and its 1-based number.
struct SourceLine: Equatable {
    let number: Int
    let text: [Character]

    var isBlank: Bool { text.allSatisfy { $0 == " " || $0 == "\t" } }

    var isComment: Bool { text.drop { $0 == " " || $0 == "\t" }.first == "#" }

    /// How many spaces it starts with.
    var indentation: Int { text.prefix { $0 == " " }.count }

    /// `- item` or a lone `-`.
    var startsListItem: Bool {
        text.dropFirst(indentation).first == "-" && (text.count == indentation + 1 || text[indentation + 1] == " ")
    }
}

/// A SKILL.md cut into its front matter (the lines between the two `---`) and its body.
struct SkillDocument: Equatable {
    let frontMatter: [SourceLine]
    /// The body with its line breaks normalised to "\n", untrimmed.
    let body: String
    /// The line the body starts on.
    let bodyLine: Int

    init(bytes: [UInt8], file: String) throws(PersonaError) {
        var bytes = bytes[...]
        // Editors on Windows may save a byte order mark; it is not part of the first line.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw PersonaError(file: file, line: nil, problem: .notUTF8)
        }
        // Split on scalars, not Characters: Swift reads "\r\n" as one Character.
        let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map {
            index, scalars in
            let content = scalars.last == "\r" ? scalars.dropLast() : scalars[...]
            return SourceLine(number: index + 1, text: Array(String(String.UnicodeScalarView(content))))
        }
        func isDelimiter(_ line: SourceLine) -> Bool {
            line.text.starts(with: ["-", "-", "-"]) && line.text.dropFirst(3).allSatisfy { $0 == " " || $0 == "\t" }
        }
        guard let first = lines.first, isDelimiter(first) else {
            let found = text.isEmpty ? "" : String(lines.first?.text ?? [])
            throw PersonaError(file: file, line: 1, problem: .missingOpeningDelimiter(found: found))
        }
        guard let closing = lines.dropFirst().firstIndex(where: isDelimiter) else {
            throw PersonaError(file: file, line: 1, problem: .missingClosingDelimiter)
        }
        frontMatter = Array(lines[1..<closing])
        body = lines[(closing + 1)...].map { String($0.text) }.joined(separator: "\n")
        bodyLine = closing + 2
    }
}

/// A persona that could not be read or found, with the file and line at fault:
/// "personas/contrarian/SKILL.md:3: expected `key: value`, got `just some words`".
public struct PersonaError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The SKILL.md at fault; nil when no file is involved (an unknown name).
    public let file: String?
    /// The 1-based line at fault, when one line is.
    public let line: Int?
    public let problem: Problem

    public init(file: String?, line: Int?, problem: Problem) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    public var description: String {
        switch (file, line) {
        case let (file?, line?): "\(file):\(line): \(problem)"
        case let (file?, nil): "\(file): \(problem)"
        default: problem.description
        }
    }

    public enum Problem: Equatable, Sendable, CustomStringConvertible {
        case unreadable(reason: String)
        case notUTF8
        /// `found` is the first line, or empty for an empty file.
        case missingOpeningDelimiter(found: String)
        case missingClosingDelimiter
        case notKeyValue(found: String)
        case unexpectedIndentation
        case tabIndentation
        case duplicateKey(String, firstLine: Int)
        case unterminatedQuote
        case unknownEscape(String)
        case textAfterQuote(String)
        case badBlockHeader(String)
        /// A plain (unquoted) value holding `: ` or ` #`, which YAML reads differently.
        case needsQuotes(String)
        case unsupportedSyntax(String)
        case missingField(String)
        case emptyField(String)
        /// `kind` says what was found instead of a string: "a map", "a list".
        case notAString(field: String, kind: String)
        case invalidName(String)
        case nameMismatch(name: String, folder: String)
        case descriptionTooLong(characters: Int)
        case metadataNotAMap(kind: String)
        /// `kind` says what YAML reads the value as: "a number", "a boolean", "null", "a map".
        case nonStringMetadata(key: String, kind: String, value: String?)
        case emptyBody
        case bodyTooLong(estimatedTokens: Int)
        case unknownPersona(name: String, available: [String])

        public var description: String {
            switch self {
            case .unreadable(let reason):
                "cannot be read (\(reason))"
            case .notUTF8:
                "is not UTF-8 text — save it as UTF-8"
            case .missingOpeningDelimiter(let found) where found.isEmpty:
                "the file is empty — it needs front matter between two `---` lines, then the prompt"
            case .missingOpeningDelimiter(let found):
                "expected `---` to open the front matter, got `\(clipped(found))`"
            case .missingClosingDelimiter:
                "the front matter is never closed — add a `---` line between it and the prompt"
            case .notKeyValue(let found):
                "expected `key: value`, got `\(clipped(found))`"
            case .unexpectedIndentation:
                "unexpected indentation — only the entries under `metadata:` and continued values are indented"
            case .tabIndentation:
                "a tab in the indentation — YAML indents with spaces only"
            case .duplicateKey(let key, let firstLine):
                "`\(key)` is given twice (first on line \(firstLine))"
            case .unterminatedQuote:
                "a quoted value is never closed — add the closing quote"
            case .unknownEscape(let escape):
                "unknown escape `\(escape)` in a double-quoted value — write `\\\\` for a backslash"
            case .textAfterQuote(let text):
                "unexpected `\(clipped(text))` after a quoted value"
            case .badBlockHeader(let header):
                "`\(clipped(header))` is not a block scalar header — use `|` or `>`, optionally with `-` or `+`"
            case .needsQuotes(let value):
                "the value `\(clipped(value))` must be quoted: YAML reads `: ` and ` #` in unquoted text as syntax"
            case .unsupportedSyntax(let what):
                "\(what) not supported in a SKILL.md front matter"
            case .missingField(let field):
                "the front matter has no `\(field)`"
            case .emptyField(let field):
                "`\(field)` is empty"
            case .notAString(let field, let kind):
                "`\(field)` must be a string, not \(kind)"
            case .invalidName(let name):
                "the name `\(clipped(name))` is not valid — use 1 to \(Persona.maximumNameLength) lowercase letters, "
                    + "digits and single hyphens, not starting or ending with a hyphen (like `devils-advocate`)"
            case .nameMismatch(let name, let folder):
                "the name `\(name)` does not match its folder `\(folder)` — rename one so they agree"
            case .descriptionTooLong(let characters):
                "the description is \(characters) characters long; the limit is \(Persona.maximumDescriptionLength)"
            case .metadataNotAMap(let kind):
                "`metadata` must be a map of strings (indented `key: \"value\"` lines under it), not \(kind)"
            case .nonStringMetadata(let key, let kind, let value?):
                "metadata.\(key) is \(kind) in YAML, not a string — quote it: `\(key): \"\(value)\"`"
            case .nonStringMetadata(let key, let kind, nil):
                "metadata.\(key) is \(kind), not a string — metadata values are quoted strings"
            case .emptyBody:
                "the prompt is empty — write the persona's system prompt below the front matter"
            case .bodyTooLong(let tokens):
                "the prompt is about \(tokens) tokens (bytes / 4); keep it within about "
                    + "\(Persona.recommendedPromptTokens) tokens (refused above \(Persona.maximumPromptTokens))"
            case .unknownPersona(let name, let available) where available.isEmpty:
                "no persona named `\(name)`, and no personas are available"
            case .unknownPersona(let name, let available):
                "no persona named `\(name)` — available: \(available.joined(separator: ", "))"
            }
        }

        private func clipped(_ text: String) -> String {
            text.count <= 60 ? text : text.prefix(59) + "…"
        }
    }
}

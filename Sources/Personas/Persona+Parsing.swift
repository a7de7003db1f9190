import Foundation

extension Persona {
    /// Reads a SKILL.md from disk; its source is the path as given.
    public init(contentsOf path: String) throws(PersonaError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
            throw PersonaError(file: path, line: nil, problem: .unreadable(reason: reason))
        }
        try self.init(parsing: Array(data), file: path)
    }

    /// Parses the bytes of a SKILL.md. `file` names it in errors, and its parent folder is the one the
    /// persona's name must equal; `source` defaults to `.file(file)`.
    public init(parsing bytes: [UInt8], file: String, source: Source? = nil) throws(PersonaError) {
        let document = try SkillDocument(bytes: bytes, file: file)
        let entries = try FrontMatterParser.parse(document.frontMatter, file: file)
        let fields = FrontMatterFields(entries: entries, file: file)

        let name = try fields.string("name")
        guard Persona.isValidName(name) else { throw fields.error(.invalidName(name), at: "name") }
        let folder = file.split(separator: "/").dropLast().last.map(String.init)
        if let folder, folder != name { throw fields.error(.nameMismatch(name: name, folder: folder), at: "name") }

        let description = try fields.string("description")
        guard description.count <= Persona.maximumDescriptionLength else {
            throw fields.error(.descriptionTooLong(characters: description.count), at: "description")
        }

        let prompt = document.body.trimmingCharacters(in: .whitespacesAndNewlines)
        let bodyError = { (problem: PersonaError.Problem) in
            PersonaError(file: file, line: document.bodyLine, problem: problem)
        }
        guard !prompt.isEmpty else { throw bodyError(.emptyBody) }
        let tokens = Persona.estimatedTokens(in: prompt)
        guard tokens <= Persona.maximumPromptTokens else { throw bodyError(.bodyTooLong(estimatedTokens: tokens)) }

        self.init(name: name, description: description, metadata: try fields.metadata(), prompt: prompt,
                  source: source ?? .file(file))
    }
}

/// The top-level entries of a front matter, read as the fields a persona needs.
private struct FrontMatterFields {
    let entries: [YAMLEntry]
    let file: String

    func error(_ problem: PersonaError.Problem, at key: String) -> PersonaError {
        // A missing field is the front matter's fault as a whole: point at its opening `---`.
        PersonaError(file: file, line: entries.first { $0.key == key }?.line ?? 1, problem: problem)
    }

    /// A required string, trimmed.
    func string(_ key: String) throws(PersonaError) -> String {
        guard let entry = entries.first(where: { $0.key == key }) else { throw error(.missingField(key), at: key) }
        guard case .scalar(let scalar) = entry.value else {
            throw error(.notAString(field: key, kind: entry.value.kind), at: key)
        }
        let text = scalar.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, scalar.schemaKind != "null" else { throw error(.emptyField(key), at: key) }
        return text
    }

    /// `metadata`: absent or empty is no metadata; otherwise a map whose values are all strings.
    func metadata() throws(PersonaError) -> [String: String] {
        guard let entry = entries.first(where: { $0.key == "metadata" }) else { return [:] }
        switch entry.value {
        case .scalar(let scalar) where scalar.schemaKind == "null":
            return [:]
        case .map(let pairs):
            var metadata: [String: String] = [:]
            for pair in pairs {
                switch pair.value {
                case .scalar(let scalar) where scalar.schemaKind == nil:
                    metadata[pair.key] = scalar.text
                case .scalar(let scalar):
                    let kind = scalar.schemaKind ?? "null"
                    throw PersonaError(file: file, line: pair.line, problem: .nonStringMetadata(
                        key: pair.key, kind: kind, value: kind == "null" ? nil : scalar.text))
                default:
                    throw PersonaError(file: file, line: pair.line,
                                       problem: .nonStringMetadata(key: pair.key, kind: pair.value.kind, value: nil))
                }
            }
            return metadata
        default:
            throw error(.metadataNotAMap(kind: entry.value.kind), at: "metadata")
        }
    }
}

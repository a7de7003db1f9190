/// A persona: the role a local agent plays, read from a `personas/<name>/SKILL.md` in the agentskills.io
/// format. Its prompt (the file's body) becomes the system prompt of the agent's LLM.
public struct Persona: Equatable, Sendable {
    /// Where a persona was read from.
    public enum Source: Hashable, Sendable, CustomStringConvertible {
        /// Embedded in the mowai binary (from the repository's personas/ folder).
        case builtIn
        /// A SKILL.md on disk, as its path was given.
        case file(String)

        public var description: String {
            switch self {
            case .builtIn: "built-in"
            case .file(let path): path
            }
        }
    }

    /// Lowercase letters, digits and single hyphens; equal to the folder holding the SKILL.md.
    public let name: String
    /// What the persona does and when to use it, trimmed.
    public let description: String
    /// Free-form string pairs; mowai reads `color` (the roster's "#rrggbb") and `version`.
    public let metadata: [String: String]
    /// The body of the SKILL.md, trimmed: the system prompt.
    public let prompt: String
    public let source: Source

    public init(name: String, description: String, metadata: [String: String] = [:], prompt: String, source: Source) {
        self.name = name
        self.description = description
        self.metadata = metadata
        self.prompt = prompt
        self.source = source
    }

    /// The roster colour, like "#e06c75", when the persona gives one.
    public var color: String? { metadata["color"] }
    public var version: String? { metadata["version"] }
    public var estimatedPromptTokens: Int { Persona.estimatedTokens(in: prompt) }

    public static let maximumNameLength = 64
    public static let maximumDescriptionLength = 1024
    /// The agentskills.io budget for a persona's body. Small models have small contexts: the prompt shares
    /// them with the task and the other agents' thoughts.
    public static let recommendedPromptTokens = 400
    /// Past this estimate a prompt is refused rather than warned about, since the estimate is rough.
    public static let maximumPromptTokens = 600

    /// A rough token count, about four bytes per token for English text, without loading a tokenizer.
    public static func estimatedTokens(in text: String) -> Int {
        (text.utf8.count + 3) / 4
    }

    /// 1 to 64 of a-z, 0-9 and `-`, with no hyphen first, last or next to another.
    public static func isValidName(_ name: String) -> Bool {
        (1...maximumNameLength).contains(name.count)
            && name.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
            && !name.hasPrefix("-") && !name.hasSuffix("-") && !name.contains("--")
    }
}

import ArenaProtocol

/// `mowai.config.json`, in both shapes the original uses:
/// `{"persona", "agent": {"name", "color"}, "modelId"?}` and `{"name", "color", "persona", "arenaUrl"}`;
/// several agents as an array of either, or under `"agents"`.
public struct AgentConfigFile: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var name: String?
        public var color: String?
        public var persona: String?
        public var arenaURL: String?
        /// The browser's WebLLM model id: mowai runs GGUF files (--model), so it is only reported.
        public var modelId: String?

        public init(name: String?, color: String?, persona: String?, arenaURL: String?, modelId: String?) {
            self.name = name
            self.color = color
            self.persona = persona
            self.arenaURL = arenaURL
            self.modelId = modelId
        }
    }

    public var entries: [Entry]

    public static func parse(_ bytes: [UInt8], file: String) throws(AgentConfigError) -> AgentConfigFile {
        let value: JSONValue
        do {
            value = try JSONCodec.decode(JSONValue.self, from: bytes)
        } catch {
            throw AgentConfigError(file: file, problem: "is not valid JSON")
        }
        let objects: [JSONValue]
        switch value {
        case .array(let list): objects = list
        case .object(let object):
            if let list = object["agents"]?.arrayValue { objects = list } else { objects = [value] }
        default: throw AgentConfigError(file: file, problem: "must be a JSON object (or an array of them)")
        }
        guard !objects.isEmpty else { throw AgentConfigError(file: file, problem: "lists no agents") }
        var entries: [Entry] = []
        for (index, item) in objects.enumerated() {
            guard let object = item.objectValue else {
                throw AgentConfigError(file: file, problem: "agent \(index + 1) is not a JSON object")
            }
            let nested = object["agent"]?.objectValue ?? [:]
            let agent = try strings(nested, agent: index + 1, file: file)
            let top = try strings(object, agent: index + 1, file: file)
            entries.append(Entry(name: agent["name"] ?? top["name"], color: agent["color"] ?? top["color"],
                                 persona: top["persona"] ?? agent["persona"], arenaURL: top["arenaUrl"], modelId: top["modelId"]))
        }
        return AgentConfigFile(entries: entries)
    }
}

extension AgentConfigFile {
    static let fields = ["name", "color", "persona", "arenaUrl", "modelId"]

    /// The known string fields of one object; null counts as absent, any other type is refused.
    static func strings(_ object: JSONObject, agent: Int, file: String) throws(AgentConfigError) -> [String: String] {
        var found: [String: String] = [:]
        for key in fields {
            guard let field = object[key], field != .null else { continue }
            guard let text = field.stringValue else {
                throw AgentConfigError(file: file, problem: "\"\(key)\" of agent \(agent) must be a string")
            }
            found[key] = text
        }
        return found
    }
}

public struct AgentConfigError: Error, Equatable, CustomStringConvertible {
    public let file: String
    public let problem: String
    public init(file: String, problem: String) {
        self.file = file
        self.problem = problem
    }
    public var description: String { "\(file) \(problem)" }
}

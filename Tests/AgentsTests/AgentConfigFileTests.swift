import Agents
import Testing

@Suite struct AgentConfigFileTests {
    static func parse(_ text: String) throws -> [AgentConfigFile.Entry] {
        try AgentConfigFile.parse(Array(text.utf8), file: "mowai.config.json").entries
    }

    @Test func theTemplatesShape() throws {
        let entries = try Self.parse(##"{"persona":"contrarian","agent":{"name":"Ada","color":"#e8a838"},"modelId":"SmolLM2-360M"}"##)
        #expect(entries == [.init(name: "Ada", color: "#e8a838", persona: "contrarian", arenaURL: nil, modelId: "SmolLM2-360M")])
    }

    @Test func theReadmesShape() throws {
        let entries = try Self.parse(##"{"name":"my-agent","color":"#e8a838","persona":"pragmatist","arenaUrl":"wss://arena.example"}"##)
        #expect(entries == [.init(name: "my-agent", color: "#e8a838", persona: "pragmatist", arenaURL: "wss://arena.example", modelId: nil)])
    }

    @Test func severalAgents() throws {
        #expect(try Self.parse(##"[{"persona":"contrarian"},{"persona":"pragmatist","name":"P"}]"##).map(\.persona) == ["contrarian", "pragmatist"])
        #expect(try Self.parse(##"{"agents":[{"persona":"synthesiser"}]}"##).map(\.persona) == ["synthesiser"])
    }

    @Test func badFilesSayWhatIsWrong() {
        #expect(throws: AgentConfigError(file: "mowai.config.json", problem: "is not valid JSON")) { try Self.parse("{persona:") }
        #expect(throws: AgentConfigError(file: "mowai.config.json", problem: "must be a JSON object (or an array of them)")) { try Self.parse("42") }
        #expect(throws: AgentConfigError(file: "mowai.config.json", problem: "\"persona\" of agent 1 must be a string")) { try Self.parse(##"{"persona":7}"##) }
        #expect(throws: AgentConfigError(file: "mowai.config.json", problem: "lists no agents")) { try Self.parse("[]") }
    }

    @Test func nullIsAbsent() throws {
        #expect(try Self.parse(##"{"persona":"pragmatist","modelId":null}"##).first?.modelId == nil)
    }
}

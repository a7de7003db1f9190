import AgentParticipants
import Agents
import ArenaProtocol
import EndToEndSupport
import Foundation
import HTTPClient
import Testing

/// Several agents in one process, as `mowai agent run --persona a --persona b …` and `mowai tui` host them.
struct SwarmTests {
    @Test("three agents in one process all answer one task, and hear each other")
    func threeAgentsAnswerOneTask() async throws {
        let arena = try Admin.arena()
        defer { arena.terminate() }
        let spectator = try await WireClient.spectator(arena.webSocketURL)
        defer { spectator.close() }
        let lineup = [("ada", ShippedAgent.defaultAgent), ("grace", ShippedAgent.all[1]), ("linus", ShippedAgent.all[3])]
        var agents: [HostedAgent] = []
        defer { agents.forEach { $0.stop() } }
        for (name, shipped) in lineup {
            let llm = ScriptedLLM(answer: ScriptedLLM.defaultAgentScript(thought: "\(name) thinks costs matter.", answer: "\(name) says ship it."))
            agents.append(try await HostedAgent.joined(try shipped.binary(), name: name, llm: llm, arena: arena))
        }
        let roster = try await HTTPClient.get(arena.httpURL + "/agents")
        #expect(Set(lineup.map(\.0)).isSubset(of: Set(Self.names(in: roster.body))), "\(roster.text)")

        let taskId = try await Admin.postTask("Plan the launch party.", to: arena)
        try await spectator.message("AGENT_RESPONSE", count: 3) { $0.payload["taskId"]?.stringValue == taskId }
        let answers = Dictionary(spectator.messages("AGENT_RESPONSE").compactMap { message in
            message.sender.map { ($0, message.payload["content"]?.stringValue ?? "") }
        }, uniquingKeysWith: { first, _ in first })
        for (agent, (name, _)) in zip(agents, lineup) {
            #expect(answers[agent.agentId] == "\(name) says ship it.")
        }

        // The default agent's thought reaches the two others in this process, through the arena.
        for agent in agents.dropFirst() {
            try await agent.waitFor("ada's thought in \(agent.participant.config.name)'s log") { event in
                if case .agent(.log(.debug, let text)) = event { return text.hasSuffix("ada thinks costs matter.") }
                return false
            }
        }
    }

    static func names(in body: [UInt8]) -> [String] {
        guard case .array(let entries)? = try? JSONCodec.decodeObject(body) else { return [] }
        return entries.compactMap { $0.objectValue?["name"]?.stringValue }
    }
}

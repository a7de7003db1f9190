import AgentParticipants
import Agents
import ArenaProtocol
import EndToEndSupport
import Foundation
import Testing

/// Each committed agent, run in this process as `mowai agent run` runs it, against a real `mowai arena`,
/// with a scripted model: what it says on the wire, and what it hears.
struct ShippedAgentTests {
    @Test("a committed agent joins, answers a task and hears a peer's thought", arguments: ShippedAgent.all)
    func answersATask(_ shipped: ShippedAgent) async throws {
        let arena = try Admin.arena()
        defer { arena.terminate() }
        let spectator = try await WireClient.spectator(arena.webSocketURL)
        defer { spectator.close() }
        let observer = try await WireClient.agent(arena.webSocketURL)
        defer { observer.close() }
        let llm = ScriptedLLM(answer: ScriptedLLM.defaultAgentScript())
        let agent = try await HostedAgent.joined(try shipped.binary(), name: "ada", persona: "pragmatist", color: "#e5c07b",
                                                 llm: llm, arena: arena)
        defer { agent.stop() }

        // AGENT_CONNECT carried get-info, the configuration filling what the agent left empty.
        let join = try await spectator.message("AGENT_JOIN") { $0.sender == agent.agentId }.payload
        #expect(join["name"]?.stringValue == "ada")
        #expect(join["persona"]?.stringValue == "pragmatist")
        #expect(join["color"]?.stringValue == "#e5c07b")
        #expect(join["version"]?.stringValue == shipped.version)

        let taskId = try await Admin.postTask("How do we launch the beta?", to: arena)
        let response = try await spectator.message("AGENT_RESPONSE") { $0.sender == agent.agentId }
        #expect(response.payload["taskId"]?.stringValue == taskId)
        #expect(response.payload["content"]?.stringValue == ScriptedLLM.answer)
        let duration = try #require(response.payload["durationMs"]?.numberValue, "durationMs is a number")
        #expect(duration >= 0)
        // The task reached the agent's prompt.
        #expect(llm.prompts.withLock { $0 }.contains { $0.contains("How do we launch the beta?") })
        // Responses go to every agent too.
        try await observer.message("AGENT_RESPONSE") { $0.sender == agent.agentId }

        let thoughts = spectator.messages("AGENT_THOUGHT") { $0.sender == agent.agentId }
        if shipped.thinksAloud {
            let thought = try #require(thoughts.first).payload
            #expect(thought["taskId"]?.stringValue == taskId)
            #expect((thought["step"]?.numberValue ?? 0) >= 1)
            #expect(thought["content"]?.stringValue == "Cost matters most.")
            // Sent before the answer, and relayed to the other agent as a PEER_THOUGHT.
            let order = spectator.messages.compactMap { $0.sender == agent.agentId ? $0["type"]?.stringValue : nil }
            #expect(try #require(order.firstIndex(of: "AGENT_THOUGHT")) < #require(order.firstIndex(of: "AGENT_RESPONSE")))
            let peer = try await observer.message("PEER_THOUGHT") { $0.payload["sourceAgentId"]?.stringValue == agent.agentId }
            #expect(peer.payload["content"]?.stringValue == "Cost matters most.")
            #expect(peer.payload["taskId"]?.stringValue == taskId)
        } else {
            #expect(thoughts.isEmpty, "the templates leave thoughts to their authors")
        }

        // A thought of another agent reaches this one (the shipped agents log it at debug level).
        observer.thought("Mind the budget.", taskId: taskId)
        let line = shipped.heard(observer.agentId, "Mind the budget.")
        try await agent.waitFor("\"\(line)\" in the agent's log") { $0 == .agent(.log(.debug, line)) }
    }
}

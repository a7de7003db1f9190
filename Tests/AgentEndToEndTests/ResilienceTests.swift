import AgentParticipants
import Agents
import ArenaProtocol
import EndToEndSupport
import Foundation
import Testing
import WAT

/// What an agent survives: its arena dying and coming back; and what it does not: trapping, which
/// ends that agent only.
struct ResilienceTests {
    @Test("an agent whose arena dies reconnects to the arena that replaces it and answers its tasks")
    func reconnectsAfterTheArenaDies() async throws {
        var arena = try Admin.arena()
        defer { arena.terminate() }
        let agent = try await HostedAgent.joined(try ShippedAgent.defaultAgent.binary(), name: "ada",
                                                 llm: ScriptedLLM(answer: ScriptedLLM.defaultAgentScript()), arena: arena)
        defer { agent.stop() }

        let port = arena.port
        arena.kill()
        let note = try await agent.waitFor("the agent to notice the arena is gone") {
            if case .session(.reconnecting) = $0 { return true }
            return false
        }
        // The first retry comes after 1 s, give or take the 20 % jitter.
        if case .session(.reconnecting(let delay, _)) = note { #expect((800...1200).contains(delay), "retrying in \(delay) ms") }

        arena = try await Self.arena(on: port)
        try await agent.waitFor("the agent to join the new arena", count: 2, within: 20) {
            if case .session(.joined) = $0 { return true }
            return false
        }
        let spectator = try await WireClient.spectator(arena.webSocketURL)
        defer { spectator.close() }
        let taskId = try await Admin.postTask("What now?", to: arena)
        let response = try await spectator.message("AGENT_RESPONSE") { $0.sender == agent.agentId }
        #expect(response.payload["taskId"]?.stringValue == taskId)
        #expect(response.payload["content"]?.stringValue == ScriptedLLM.answer)
    }

    @Test("an agent that traps leaves the arena; the agent beside it keeps answering")
    func aTrappingAgentLeavesAlone() async throws {
        let arena = try Admin.arena()
        defer { arena.terminate() }
        let observer = try await WireClient.agent(arena.webSocketURL)
        defer { observer.close() }
        let trapper = try await HostedAgent.joined(try AgentBinary(bytes: try wat2wasm(Self.trappingAgent), origin: "trapping agent"),
                                                   name: "trapper", llm: ScriptedLLM(), arena: arena)
        defer { trapper.stop() }
        let steady = try await HostedAgent.joined(try ShippedAgent.all[1].binary(), name: "steady", llm: ScriptedLLM(), arena: arena)
        defer { steady.stop() }

        let first = try await Admin.postTask("First task.", to: arena)
        let failure = try await trapper.waitFor("the trap") { if case .agent(.failed) = $0 { return true }; return false }
        if case .agent(.failed(let reason)) = failure { #expect(reason.contains("unreachable"), "\(reason)") }
        let left = try await observer.message("AGENT_DISCONNECT") { $0.sender == trapper.agentId }
        #expect(left.payload["name"]?.stringValue == "trapper")
        try await observer.message("AGENT_RESPONSE") { $0.sender == steady.agentId && $0.payload["taskId"]?.stringValue == first }

        let second = try await Admin.postTask("Second task.", to: arena)
        try await observer.message("AGENT_RESPONSE") { $0.sender == steady.agentId && $0.payload["taskId"]?.stringValue == second }
        #expect(observer.messages("AGENT_RESPONSE") { $0.sender == trapper.agentId }.isEmpty)
        // A failed agent stays out: it does not come back with the reconnect backoff.
        #expect(!trapper.all.contains { if case .session(.reconnecting) = $0 { return true }; return false })
    }

    /// A new arena on `port`, retried while the dead one's port is still held by the kernel.
    static func arena(on port: Int, within seconds: Double = 10) async throws -> ArenaProcess {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            do {
                return try Admin.arena(port: port)
            } catch where Date() < deadline {
                try await Task.sleep(nanoseconds: 100_000_000)
            }
        }
    }

    /// An agent whose handle-task traps; get-info names only its version (the configuration fills the rest).
    static let trappingAgent = #"""
    (module
      (memory (export "memory") 1)
      (global $heap (mut i32) (i32.const 1024))
      (data (i32.const 32) "0.0.1")
      ;; get-info's record: (pointer, length) of name, version, color and persona.
      (data (i32.const 64) "\00\00\00\00\00\00\00\00\20\00\00\00\05\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00")
      (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (local.set $p (global.get $heap))
        (global.set $heap (i32.add (global.get $heap) (i32.add (local.get 3) (i32.const 8))))
        (local.get $p))
      (func (export "on-init"))
      (func (export "get-info") (result i32) (i32.const 64))
      (func (export "handle-task") (param i32 i32) (result i32) unreachable)
      (func (export "on-peer-thought") (param i32 i32 i32 i32)))
    """#
}

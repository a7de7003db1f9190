import Agents
import Foundation
import Inference
import Testing

/// Agent authors read `wit/agent.wit`, not our code: what it says `host-llm` does on a model failure, a
/// timeout, a deadline and a stop must be what the host does. Each sentence is read from the file and
/// checked against the host's limits and behaviour.
@Suite struct WITContractTests {
    static let taskId = "0d8f5a5e-4c1b-4e4e-9a55-6f5d3c2b1a00"

    /// The comment above `import host-llm`, as one line of text.
    static func hostLLMContract() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let wit = try String(contentsOf: root.appendingPathComponent("wit/agent.wit"), encoding: .utf8)
        let lines = wit.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let importLine = try #require(lines.firstIndex { $0.hasPrefix("import host-llm:") })
        var comment: [String] = []
        for line in lines[..<importLine].reversed() {
            guard line.hasPrefix("//") else { break }
            comment.insert(String(line.dropFirst(2)).trimmingCharacters(in: .whitespaces), at: 0)
        }
        return comment.joined(separator: " ")
    }

    /// The sentence of `text` that contains `phrase`.
    static func sentence(containing phrase: String, in text: String) throws -> String {
        try #require(text.components(separatedBy: ". ").first { $0.contains(phrase) }, "no sentence with \"\(phrase)\" in: \(text)")
    }

    @Test func theWITFileStatesTheLimitsTheHostEnforces() throws {
        let contract = try Self.hostLLMContract()
        let limits = SandboxLimits()
        let failure = try Self.sentence(containing: "returns an empty string", in: contract)
        #expect(failure.contains("When the model fails, is missing, or takes longer than \(limits.llmTimeoutMs / 1000) s"), "\(failure)")
        let deadline = try Self.sentence(containing: "past its deadline", in: contract)
        #expect(deadline.contains("handle-task \(limits.taskDeadlineMs / 1000) s"), "\(deadline)")
        #expect(deadline.contains("on-peer-thought \(limits.peerThoughtDeadlineMs / 1000) s"), "\(deadline)")
        #expect(deadline.contains("host-llm traps") && deadline.contains("marked failed"), "\(deadline)")
        let stop = try Self.sentence(containing: "removed or mowai quits", in: contract)
        #expect(stop.contains("host-llm traps") && stop.contains("stops"), "\(stop)")
        #expect(!contract.contains("When the model fails, the call traps"), "the old, wrong promise is gone")
    }

    @Test func aFailingOrMissingModelGivesAnEmptyStringAndTheAgentCarriesOn() async throws {
        struct Broken: Error, CustomStringConvertible { var description: String { "out of memory" } }
        for llm in [ScriptedLLM(failure: Broken()), nil] as [ScriptedLLM?] {
            let (agent, events) = try AgentHostTests.start(AgentFixtures.wat(), llm: llm)
            defer { agent.stop() }
            agent.submitTask(taskId: Self.taskId, description: "first")
            #expect(await events.response() == "")
            agent.submitTask(taskId: "0d8f5a5e-4c1b-4e4e-9a55-6f5d3c2b1a01", description: "second")
            #expect(await events.wait { if case .responded(taskId: "0d8f5a5e-4c1b-4e4e-9a55-6f5d3c2b1a01", _, _) = $0 { return true }; return false } != nil)
            #expect(!events.all.contains { if case .failed = $0 { return true }; return false })
        }
    }

    @Test func aModelOverTheTimeoutGivesAnEmptyString() async throws {
        var limits = SandboxLimits()
        limits.llmTimeoutMs = 100
        let (agent, events) = try AgentHostTests.start(AgentFixtures.wat(), llm: ScriptedLLM(delayPerWordMs: 200), limits: limits)
        defer { agent.stop() }
        agent.submitTask(taskId: Self.taskId, description: "anything")
        #expect(await events.response() == "")
        #expect(!events.all.contains { if case .failed = $0 { return true }; return false })
    }

    @Test func aModelCallPastTheExportsDeadlineTrapsAndTheAgentFails() async throws {
        var limits = SandboxLimits()
        limits.taskDeadlineMs = 100
        let (agent, events) = try AgentHostTests.start(AgentFixtures.wat(), llm: ScriptedLLM(delayPerWordMs: 200), limits: limits)
        defer { agent.stop() }
        agent.submitTask(taskId: Self.taskId, description: "anything")
        let reason = await events.failure()
        #expect(reason?.contains("past its deadline") == true, "\(String(describing: reason))")
    }

    @Test func stoppingTheAgentUnwindsHostLLMAndTheAgentStops() async throws {
        let (agent, events) = try AgentHostTests.start(AgentFixtures.wat(), llm: ScriptedLLM(delayPerWordMs: 1000))
        agent.submitTask(taskId: Self.taskId, description: "anything")
        #expect(await events.wait { $0 == .thinking(taskId: Self.taskId) } != nil)
        #expect(agent.stop(timeout: 5))
        #expect(events.all.last == .stopped)
    }
}

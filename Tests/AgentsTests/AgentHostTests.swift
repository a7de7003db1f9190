import Agents
import Foundation
import Inference
import Testing
import LLMInterface

/// The host against agents written in WAT: the ABI in both directions, and what a well-behaved agent sees.
@Suite struct AgentHostTests {
    static let taskId = "0d8f5a5e-4c1b-4e4e-9a55-6f5d3c2b1a00"

    static func start(_ wat: String, llm: (any LLM)? = ScriptedLLM(), limits: SandboxLimits = SandboxLimits(),
                      config: AgentConfig = AgentFixtures.config) throws -> (LocalAgent, EventRecorder) {
        let recorder = EventRecorder()
        let agent = LocalAgent(binary: try AgentFixtures.binary(wat), config: config, llm: llm, limits: limits, events: recorder.sink)
        agent.start()
        return (agent, recorder)
    }

    @Test func startsAnswersAndBroadcasts() async throws {
        let llm = ScriptedLLM()
        let (agent, events) = try Self.start(AgentFixtures.wat(), llm: llm)
        defer { agent.stop() }
        let started = await events.wait { if case .started = $0 { return true }; return false }
        #expect(started == .started(AgentInfo(name: "tester", version: "1.0.0", color: "#123456", persona: "pragmatist")))
        #expect(events.all.contains(.log(.info, "ready")))

        agent.submitTask(taskId: Self.taskId, description: "How do we launch?")
        #expect(await events.response() == "Ship the smallest version first.")
        #expect(events.all.contains(.broadcast(taskId: Self.taskId, content: "Ship the smallest version first.")))
        #expect(events.all.contains(.taskReceived(taskId: Self.taskId, description: "How do we launch?")))
        #expect(events.all.contains(.thinking(taskId: Self.taskId)))
        #expect(events.all.contains(.llmText(" smallest")))
        // The persona's prompt goes first, as the system message; the agent's prompt is the user's.
        let request = try #require(llm.requests.withLock { $0.first })
        #expect(request.prompt == .chat([.init(role: "system", content: "You are practical."), .init(role: "user", content: "How do we launch?")]))
    }

    @Test("a hosted model's retries reach the agent's events; the answer still comes")
    func retriesAreWarnings() async throws {
        let llm = ScriptedLLM(retries: [.retrying(attempt: 2, maxAttempts: 4, delay: 0.5, reason: "rate limited by the server")])
        let (agent, events) = try Self.start(AgentFixtures.wat(), llm: llm)
        defer { agent.stop() }
        agent.submitTask(taskId: Self.taskId, description: "How do we launch?")
        #expect(await events.response() == "Ship the smallest version first.")
        #expect(events.all.contains(.llmRetrying(LLMRetry(attempt: 2, maxAttempts: 4, delayMs: 500, error: "rate limited by the server"))))
    }

    @Test func peerThoughtsReachTheAgent() async throws {
        let (agent, events) = try Self.start(AgentFixtures.wat())
        defer { agent.stop() }
        agent.deliverPeerThought(peerId: "peer", taskId: Self.taskId, thought: "Costs matter — a lot 💸")
        #expect(await events.wait { $0 == .log(.info, "Costs matter — a lot 💸") } != nil)
    }

    @Test func unicodeCrossesIntact() async throws {
        let (agent, events) = try Self.start(AgentFixtures.wat(), llm: ScriptedLLM { _ in "日本語と emoji 👩‍🚀 ok" })
        defer { agent.stop() }
        agent.submitTask(taskId: Self.taskId, description: "Ünïcödé task ✓")
        #expect(await events.response() == "日本語と emoji 👩‍🚀 ok")
    }

    @Test func onlyTheNewestWaitingTaskRuns() async throws {
        let (agent, events) = try Self.start(AgentFixtures.wat(), llm: ScriptedLLM(delayPerWordMs: 20))
        defer { agent.stop() }
        let ids = (0..<3).map { "0d8f5a5e-4c1b-4e4e-9a55-6f5d3c2b1a0\($0)" }
        for id in ids { agent.submitTask(taskId: id, description: "task \(id)") }
        #expect(await events.wait(seconds: 10) { if case .responded(ids[2], _, _) = $0 { return true }; return false } != nil)
        let received = events.all.compactMap { event -> String? in if case .taskReceived(let id, _) = event { return id }; return nil }
        let skipped = events.all.compactMap { event -> String? in if case .taskSkipped(let id) = event { return id }; return nil }
        // The first may have started before the others arrived; the middle one never runs.
        #expect(received.last == ids[2])
        #expect(!received.contains(ids[1]))
        #expect(skipped.contains(ids[1]))
    }

    @Test func aFailingModelGivesAnEmptyAnswerNotAFailure() async throws {
        struct Broken: Error, CustomStringConvertible { var description: String { "GPU on fire" } }
        let (agent, events) = try Self.start(AgentFixtures.wat(), llm: ScriptedLLM(failure: Broken()))
        defer { agent.stop() }
        agent.submitTask(taskId: Self.taskId, description: "anything")
        #expect(await events.response() == "")
        #expect(events.all.contains(.llmFailed("the model failed: GPU on fire")))
    }

    @Test func aSlowModelTimesOut() async throws {
        var limits = SandboxLimits()
        limits.llmTimeoutMs = 150
        let (agent, events) = try Self.start(AgentFixtures.wat(), llm: ScriptedLLM(delayPerWordMs: 100), limits: limits)
        defer { agent.stop() }
        agent.submitTask(taskId: Self.taskId, description: "anything")
        #expect(await events.response() == "")
        #expect(events.all.contains(.llmFailed("the model took longer than 150 ms; the agent got an empty answer")))
    }

    @Test func noModelIsReportedNotFatal() async throws {
        let (agent, events) = try Self.start(AgentFixtures.wat(), llm: nil)
        defer { agent.stop() }
        agent.submitTask(taskId: Self.taskId, description: "anything")
        #expect(await events.response() == "")
        #expect(events.all.contains { if case .llmFailed(let reason) = $0 { return reason.contains("make setup") }; return false })
    }

    @Test func stoppingCancelsAModelCall() async throws {
        let (agent, events) = try Self.start(AgentFixtures.wat(), llm: ScriptedLLM(delayPerWordMs: 1000))
        agent.submitTask(taskId: Self.taskId, description: "anything")
        #expect(await events.wait { $0 == .thinking(taskId: Self.taskId) } != nil)
        let began = Date()
        #expect(agent.stop(timeout: 5))
        #expect(Date().timeIntervalSince(began) < 1)
        #expect(events.all.last == .stopped)
        #expect(!events.all.contains { if case .failed = $0 { return true }; return false })
    }

    @Test func aStoppedAgentTakesNoMoreWork() async throws {
        let (agent, events) = try Self.start(AgentFixtures.wat())
        _ = await events.wait { if case .started = $0 { return true }; return false }
        agent.stop()
        agent.submitTask(taskId: Self.taskId, description: "late")
        try await Task.sleep(nanoseconds: 100_000_000)
        #expect(!events.all.contains { if case .taskReceived = $0 { return true }; return false })
    }
}

import Foundation
import Synchronization

/// `mowai agent check`: starts an agent with a stand-in model, gives it one task, and says what happened.
public enum AgentCheck {
    public struct Report: Sendable {
        public var lines: [String]
        public var passed: Bool
    }

    public static func run(_ binary: AgentBinary, timeoutSeconds: Double = 20) -> Report {
        let events = Mutex<[AgentEvent]>([])
        let done = DispatchSemaphore(value: 0)
        let agent = LocalAgent(binary: binary, config: AgentConfig(name: "check", color: "#808080", persona: "pragmatist",
                                                                   personaPrompt: "You are practical."),
                               llm: StandInLLM(), events: { event in
            events.withLock { $0.append(event) }
            switch event {
            case .responded, .failed, .stopped: done.signal()
            default: break
            }
        })
        agent.start()
        agent.submitTask(taskId: "00000000-0000-4000-8000-0000000000c4", description: "Say one thing about testing.")
        let finished = done.wait(timeout: .now() + timeoutSeconds) == .success
        agent.stop()
        var lines = ["\(binary.origin): \(binary.byteCount) bytes"]
        var passed = finished
        for event in events.withLock({ $0 }) {
            switch event {
            case .started(let info): lines.append("✓ on-init and get-info: \(info.name) \(info.version) (\(info.persona), \(info.color))")
            case .log(let level, let text): lines.append("  log \(level.rawValue): \(text)")
            case .output(let text): lines.append("  output: \(text)")
            case .thinking: lines.append("✓ host-llm called")
            case .broadcast(_, let text): lines.append("✓ broadcast: \(text)")
            case .responded(_, let text, let ms): lines.append("✓ handle-task answered in \(Int(ms)) ms: \(text)")
            case .warning(let text): lines.append("! \(text)")
            case .failed(let reason):
                lines.append("✗ \(reason)")
                passed = false
            default: break
            }
        }
        if !finished { lines.append("✗ no answer within \(Int(timeoutSeconds)) s") }
        lines.append(passed ? "The agent works." : "The agent does not work: see above.")
        return Report(lines: lines, passed: passed)
    }
}

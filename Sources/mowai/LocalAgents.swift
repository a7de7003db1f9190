import AgentParticipants
import Agents
import ArenaProtocol
import Console
import Foundation
import Inference
import WebSocketClient

/// The agents `mowai tui` hosts: each an `ArenaParticipant` whose events become console actions.
final class LocalAgents: Sendable {
    private let participants: [ArenaParticipant]

    init(specs: [AgentSpec], llm: (any LLM)?, limits: SandboxLimits, arena url: WebSocketURL, hub: WebSocketHub, inbox: ActionInbox) {
        var generator = SystemRandomNumberGenerator()
        participants = specs.map { spec in
            let agentId = UUIDv4.make(using: &generator)
            return ArenaParticipant(binary: spec.binary, config: spec.config, llm: llm, limits: limits, arena: url, hub: hub,
                                    agentId: agentId) { event in
                if let activity = Self.activity(event) { inbox.post(.localAgent(agentId: agentId, activity)) }
            }
        }
        for participant in participants {
            inbox.post(.localAgentAdded(RosterEntry(
                agentId: participant.agentId, slot: 0, name: participant.config.name, color: participant.config.color,
                persona: participant.config.persona, version: "", connectedAt: 0)))
        }
    }

    func start() { participants.forEach { $0.start() } }

    /// Every agent leaves the arena and its thread ends (model calls are cancelled).
    func stop() { participants.forEach { $0.stop(timeout: 1) } }

    /// How the console words what an agent did; nil for what the arena shows anyway (thoughts, answers).
    static func activity(_ event: ArenaParticipant.Event) -> LocalActivity? {
        switch event {
        case .session(let note):
            if case .joined = note { return .lifecycle(note.description, activity: .idle) }
            if case .reconnecting = note { return .log(level: .warn, text: note.description) }
            return .log(level: .info, text: note.description)
        case .agent(let event):
            switch event {
            case .started(let info): return .lifecycle("initialised: \(info.name) \(info.version) as \(info.persona)", activity: .joining)
            case .taskReceived(_, let text): return .lifecycle("task received: \(text)", activity: .taskReceived)
            case .taskSkipped(let id): return .log(level: .info, text: "skipped task \(id.prefix(8)): a newer one arrived")
            case .thinking: return .lifecycle("thinking…", activity: .thinking(step: nil))
            case .llmText(let text): return .modelText(text)
            case .llmFinished(let call): return .lifecycle("the model wrote \(call.generatedTokens) tokens in \(call.durationMs) ms", activity: .thinking(step: nil))
            case .llmFailed(let reason): return .log(level: .error, text: "model: \(reason)")
            case .broadcast(let taskId, _): return taskId == nil ? .log(level: .info, text: "a thought outside of a task (not posted)") : nil
            case .responded(_, _, let ms): return .lifecycle("responded in \(Int(ms)) ms", activity: .answered)
            case .log(let level, let text): return .log(level: ConsoleLogLevel(naming: level.rawValue), text: text)
            case .output(let text): return .log(level: .output, text: text)
            case .warning(let text): return .log(level: .warn, text: text)
            case .failed(let reason): return .failed(reason)
            case .stopped: return .lifecycle("stopped", activity: .stopped)
            }
        }
    }
}

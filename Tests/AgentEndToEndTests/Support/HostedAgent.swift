import AgentParticipants
import Agents
import ArenaProtocol
import EndToEndSupport
import Foundation
import Inference
import Synchronization
import WebSocketClient
import LLMInterface

/// A local agent run in this process through `ArenaParticipant`, as `mowai agent run` and `mowai tui`
/// run theirs, with everything it reports kept so a test can wait for an event.
final class HostedAgent: Sendable {
    let participant: ArenaParticipant
    private let events = Collected<ArenaParticipant.Event>()

    init(_ binary: AgentBinary, name: String, persona: String = "pragmatist", color: String = "#e5c07b",
         llm: (any LLM)?, arena url: String) throws {
        guard let address = WebSocketURL(url) else { throw ArenaTestError("not a ws:// address: \(url)") }
        var generator = SystemRandomNumberGenerator()
        let config = AgentConfig(name: name, color: color, persona: persona, personaPrompt: "You are practical.")
        let events = self.events
        participant = ArenaParticipant(binary: binary, config: config, llm: llm, arena: address, hub: try WebSocketHub.shared(),
                                       agentId: UUIDv4.make(using: &generator)) { event in events.append(event) }
    }

    /// Starts an agent and waits until it has joined the arena.
    static func joined(_ binary: AgentBinary, name: String, persona: String = "pragmatist", color: String = "#e5c07b",
                       llm: (any LLM)?, arena: ArenaProcess) async throws -> HostedAgent {
        let agent = try HostedAgent(binary, name: name, persona: persona, color: color, llm: llm, arena: arena.webSocketURL)
        agent.participant.start()
        try await agent.waitFor("\(name) to join the arena") { if case .session(.joined) = $0 { return true }; return false }
        return agent
    }

    var agentId: String { participant.agentId }
    var all: [ArenaParticipant.Event] { events.all }

    func stop() { participant.stop() }

    /// How many of the events so far match.
    func count(where predicate: (ArenaParticipant.Event) -> Bool) -> Int { all.filter(predicate).count }

    /// Waits until `count` events match (async: never blocks the pool the agent's model streams on).
    /// A failure of the agent ends the wait early, with its reason.
    @discardableResult
    func waitFor(_ what: String, count: Int = 1, within seconds: Double = 15,
                 _ predicate: (ArenaParticipant.Event) -> Bool) async throws -> ArenaParticipant.Event {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let events = all
            let matches = events.filter(predicate)
            if matches.count >= count { return matches[count - 1] }
            if let failure = events.lazy.compactMap(Self.failure).first {
                throw ArenaTestError("\(participant.config.name) failed (\(failure)) while waiting for \(what)")
            }
            guard Date() < deadline else {
                throw ArenaTestError("waited \(seconds) s for \(what); \(participant.config.name) reported:\n"
                                     + events.map { "  \($0)" }.joined(separator: "\n"))
            }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
    }

    private static func failure(_ event: ArenaParticipant.Event) -> String? {
        if case .agent(.failed(let reason)) = event { return reason }
        return nil
    }

    /// What the agent logged at `level`.
    func logs(_ level: AgentLogLevel) -> [String] {
        all.compactMap { event in
            if case .agent(.log(level, let text)) = event { return text }
            return nil
        }
    }
}

/// Things reported on other threads, kept in order.
final class Collected<Element: Sendable>: Sendable {
    private let elements = Mutex<[Element]>([])

    func append(_ element: Element) { elements.withLock { $0.append(element) } }
    var all: [Element] { elements.withLock { $0 } }
}

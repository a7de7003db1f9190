import Agents
import ArenaProtocol
import Dispatch
import Mob
import Synchronization
import WebSocketClient

/// Mob members in an arena: each joins as an ordinary participant (its own socket and
/// `ParticipantSession`), so other consoles and the original's browsers see them. What arrives for them
/// goes to the mob (tasks, thoughts of agents outside it); what the mob's members post goes out as
/// their thoughts and responses. Thoughts among the members themselves travel in process, by wiring.
public final class MobArena: Sendable {
    private let url: WebSocketURL
    private let hub: WebSocketHub
    private let members = Mutex<[String: Participant]>([:])
    private let ticker = Mutex<DispatchSourceTimer?>(nil)
    /// Every member's agentId, lowercased. (Its own lock: sessions read it under theirs.)
    private let ownAgentIds = Mutex<Set<String>>([])
    nonisolated(unsafe) weak var runtime: MobRuntime?

    public init(url: WebSocketURL, hub: WebSocketHub) {
        self.url = url
        self.hub = hub
    }

    /// One member's seat in the arena: its session and socket.
    final class Participant: Sendable {
        let key: String
        let agentId: String
        /// The member's generation this seat belongs to: an older generation's end does not end it.
        let generation: Int
        let session: Mutex<ParticipantSession>
        let link = ArenaLink()

        init(key: String, agentId: String, generation: Int) {
            self.key = key
            self.agentId = agentId
            self.generation = generation
            session = Mutex(ParticipantSession(agentId: agentId))
        }

        var mob: String { String(key.prefix { $0 != "/" }) }
        var member: String { String(key.drop { $0 != "/" }.dropFirst()) }
    }

    /// A member's agent is live: it joins (again, after a respawn) under its stable agentId.
    func memberStarted(_ key: String, agentId: String, generation: Int, info: AgentInfo) {
        ownAgentIds.withLock { _ = $0.insert(agentId.lowercased()) }
        // Each generation has a seat of its own: a respawned member's new agent may start before the old
        // one has stopped, and the old one leaving must not take the new one out.
        let fresh = Participant(key: key, agentId: agentId, generation: generation)
        let previous = members.withLock { members -> Participant? in
            defer { members[key] = fresh }
            return members[key]
        }
        if let previous { feed(previous, .stop) }
        feed(fresh, .agentStarted(info, at: .now()))
        startTicking()
    }

    func memberEnded(_ key: String, generation: Int) {
        guard let participant = members.withLock({ $0[key] }), participant.generation == generation else { return }
        feed(participant, .stop)
    }

    func post(_ post: ArenaPost, as key: String, taskId: String) {
        guard let participant = members.withLock({ $0[key] }) else { return }
        switch post {
        case .thought(let text): feed(participant, .agentEvent(.broadcast(taskId: taskId, content: text), at: .now()))
        case .response(let text, let ms): feed(participant, .agentEvent(.responded(taskId: taskId, content: text, durationMs: ms), at: .now()))
        }
    }

    /// Every member leaves (close 1000).
    func leave() {
        ticker.withLock { $0?.cancel(); $0 = nil }
        for participant in members.withLock({ Array($0.values) }) { feed(participant, .stop) }
    }


    /// One input through a member's session; its effects run in order, under its lock.
    private func feed(_ participant: Participant, _ input: ParticipantSession.Input) {
        participant.session.withLock { session in
            for effect in session.handle(input) { run(effect, for: participant) }
        }
    }

    private func run(_ effect: ParticipantSession.Effect, for participant: Participant) {
        switch effect {
        case .connect:
            participant.link.open(url, hub: hub) { [weak self, weak participant] event in
                guard let self, let participant else { return }
                switch event {
                case .opened: self.feed(participant, .connected(at: .now()))
                case .message(let message): self.feed(participant, .frame(message, at: .now()))
                case .lost(let reason): self.feed(participant, .disconnected(reason: reason, at: .now(), jitter: Double.random(in: 0..<1)))
                }
            }
        case .send(let message):
            participant.link.send(message)
        case .close(let code, let reason):
            participant.link.close(code: UInt16(code), reason: reason)
        case .runTask(let taskId, let description):
            runtime?.arenaTask(mob: participant.mob, taskId: taskId, description: description)
        case .deliverPeerThought(let peerId, _, let thought):
            // The mob's own members hear each other in process, as wired; the arena repeats them.
            guard !ownAgentIds.withLock({ $0.contains(peerId.lowercased()) }) else { return }
            runtime?.arenaThought(mob: participant.mob, member: participant.member, from: peerId, text: thought)
        case .note(let note):
            runtime?.arenaNote(mob: participant.mob, member: participant.member, text: note.description)
        }
    }

    /// Sessions need the clock for reconnecting and for the replay window.
    private func startTicking() {
        ticker.withLock { ticker in
            guard ticker == nil else { return }
            let timer = DispatchSource.makeTimerSource(queue: .global())
            timer.schedule(deadline: .now() + .milliseconds(100), repeating: .milliseconds(100))
            timer.setEventHandler { [weak self] in
                guard let self else { return }
                for participant in self.members.withLock({ Array($0.values) }) { self.feed(participant, .tick(at: .now())) }
            }
            timer.resume()
            ticker = timer
        }
    }
}

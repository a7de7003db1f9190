import ArenaProtocol

/// One local agent's life in an arena, as a pure state machine: arena frames and agent events in,
/// frames to send and work for the agent out. The shell (`ArenaParticipant`) owns the socket, the
/// clock and the agent; every decision is here, tested without either.
public struct ParticipantSession: Sendable {
    /// Each input carries the time: its wall clock stamps `ts`, its monotonic clock runs the backoff
    /// and the replay window.
    public enum Input: Sendable {
        /// The agent is live (`get-info` answered): time to join.
        case agentStarted(AgentInfo, at: Moment)
        /// A new build of the agent took over (`mowai dev`): the seat stays, its info is used from the
        /// next join on (the arena keeps the name and colour it was given at this one).
        case agentReplaced(AgentInfo)
        case agentEvent(AgentEvent, at: Moment)
        case connected(at: Moment)
        case disconnected(reason: String, at: Moment, jitter: Double)
        /// One message from the arena, decoded (or refused) by `ArenaMessage`.
        case frame(ArenaMessage, at: Moment)
        case tick(at: Moment)
        /// Leave the arena for good (the agent is removed or mowai quits).
        case stop
    }

    public enum Effect: Equatable, Sendable {
        case connect
        case send(JSONValue)
        /// Close the socket (the agent failed or was stopped); no reconnect follows.
        case close(code: Int, reason: String)
        case runTask(taskId: String, description: String)
        case deliverPeerThought(peerId: String, taskId: String, thought: String)
        /// For the agent's console (or stderr when headless).
        case note(Note)
    }

    public enum Note: Equatable, Sendable {
        case joined(slot: Int, peers: Int)
        case reconnecting(inMs: Int64, reason: String)
        case arenaError(String)
        /// A frame the session ignored: malformed, of an unknown type (each kind told once), or out of
        /// order (a PEER_THOUGHT before ARENA_ACK, a second ARENA_ACK).
        case ignoredFrame(String)
        case skippedReplayedTask(taskId: String)
        case thoughtNotSent(String)
        case clipped(String)
    }

    public enum Phase: Equatable, Sendable {
        /// The agent is starting; nothing is sent yet.
        case starting
        case connecting
        /// Connected, AGENT_CONNECT sent, waiting for ARENA_ACK.
        case registering
        case registered(slot: Int)
        /// Until a monotonic time.
        case waiting(until: Int64)
        /// Failed or stopped: the session does nothing more.
        case ended
    }

    public let agentId: String
    public private(set) var phase: Phase = .starting
    public private(set) var info: AgentInfo?
    private var seq = 0
    private var backoff = ReconnectBackoff()
    /// The step of the next thought, per task (the arena wants positive, and readers expect rising, steps).
    private var nextStep: [String: Int] = [:]
    /// Tasks this agent was given, so a replay after a reconnect never runs one twice.
    private var givenTasks: Set<String> = []
    /// Tasks replayed right after ARENA_ACK are gathered for a moment (until a monotonic time): only the
    /// newest runs.
    private var replayWindowEnds: Int64?
    private var replayed: [GlobalTaskPayload] = []
    private var rejectedFrames = RejectedFrames()
    /// Out-of-order frames already told, by kind: each is told once.
    private var toldOutOfOrder: Set<String> = []
    /// What could not be sent while disconnected, sent after the next ARENA_ACK (oldest dropped first).
    private var outbox: [(type: String, payload: JSONObject)] = []
    /// The session ended because its agent failed (not because it was stopped).
    private var agentFailed = false

    static let replayWindowMs: Int64 = 300
    static let outboxLimit = 64
    /// Thoughts longer than 1024 UTF-16 units are split; a single broadcast sends at most this many.
    public static let maxThoughtsPerBroadcast = 4

    public init(agentId: String) {
        self.agentId = agentId
    }

    public mutating func handle(_ input: Input) -> [Effect] {
        if phase == .ended {
            // Only a new build of an agent that failed brings an ended session back (`mowai dev`).
            guard agentFailed, case .agentStarted = input else { return [] }
            agentFailed = false
            backoff = ReconnectBackoff()
        }
        switch input {
        case .agentStarted(let info, _):
            self.info = info
            phase = .connecting
            return [.connect]
        case .agentReplaced(let info):
            self.info = info
            return []
        case .agentEvent(let event, let now):
            return agentDid(event, at: now)
        case .connected(let now):
            guard phase == .connecting else { return [] }
            phase = .registering
            seq = 0
            let info = self.info ?? AgentInfo(name: "", version: "", color: "", persona: "")
            return [.send(envelope("AGENT_CONNECT", at: now, payload: [
                "name": .string(info.name.javaScriptPrefix(ProtocolLimits.maxNameLength)),
                "color": .string(info.color.javaScriptPrefix(ProtocolLimits.maxColorLength)),
                "persona": .string(info.persona.javaScriptPrefix(ProtocolLimits.maxPersonaLength)),
                "version": .string(info.version.javaScriptPrefix(ProtocolLimits.maxVersionLength)),
            ]))]
        case .disconnected(let reason, let now, let jitter):
            guard phase != .starting else { return [] }
            replayWindowEnds = nil
            let delay = backoff.connectionLost(jitter: jitter)
            phase = .waiting(until: now.monotonicMs + delay)
            return [.note(.reconnecting(inMs: delay, reason: reason))]
        case .frame(let message, let now):
            return receive(message, at: now)
        case .tick(let now):
            return tick(now)
        case .stop:
            phase = .ended
            return [.close(code: 1000, reason: "agent stopped")]
        }
    }

    // MARK: The agent

    private mutating func agentDid(_ event: AgentEvent, at now: Moment) -> [Effect] {
        switch event {
        case .broadcast(let taskId, let content):
            guard let taskId else { return [.note(.thoughtNotSent("a thought outside of any task stays in the console"))] }
            var effects: [Effect] = []
            let pieces = Self.split(content, limit: ProtocolLimits.maxThoughtLength, maxPieces: Self.maxThoughtsPerBroadcast + 1)
            for piece in pieces.prefix(Self.maxThoughtsPerBroadcast) {
                let step = nextStep[taskId, default: 1]
                nextStep[taskId] = step + 1
                effects += post("AGENT_THOUGHT", at: now, payload: ["taskId": .string(taskId), "step": .number(Double(step)), "content": .string(piece)])
            }
            if pieces.count > Self.maxThoughtsPerBroadcast {
                effects.append(.note(.clipped("a thought of \(content.javaScriptLength) characters was cut to \(Self.maxThoughtsPerBroadcast) posts of 1024")))
            }
            return effects
        case .responded(let taskId, let content, let durationMs):
            var effects: [Effect] = []
            var answer = content
            if answer.javaScriptLength > ProtocolLimits.maxResponseLength {
                answer = answer.javaScriptPrefix(ProtocolLimits.maxResponseLength)
                effects.append(.note(.clipped("the response was cut from \(content.javaScriptLength) to \(ProtocolLimits.maxResponseLength) characters")))
            }
            return effects + post("AGENT_RESPONSE", at: now, payload: [
                "taskId": .string(taskId), "content": .string(answer), "durationMs": .number(max(0, durationMs.rounded())),
            ])
        case .failed(let reason):
            phase = .ended
            agentFailed = true
            return [.close(code: 1000, reason: "agent failed: \(reason)".utf8Prefix(maxBytes: 120))]
        case .stopped:
            phase = .ended
            return [.close(code: 1000, reason: "agent stopped")]
        default:
            return []
        }
    }

    /// Cuts text into pieces of at most `limit` UTF-16 units, at whitespace when one is near the end,
    /// else between characters (an emoji stays whole), and between scalars only within a single
    /// character longer than the limit. Nothing is lost: the pieces join back into `text`. After
    /// `maxPieces - 1` pieces the rest is left whole as the last one (a caller posting four of them
    /// need not cut a megabyte into a thousand).
    static func split(_ text: String, limit: Int, maxPieces: Int = .max) -> [String] {
        var pieces: [String] = []
        var rest = Substring(text)
        while rest.utf16.count > limit && pieces.count < maxPieces - 1 {
            var end = charactersEnd(of: rest, within: limit)
            if end == rest.startIndex { end = scalarsEnd(of: rest, within: limit) }
            // Only below a limit of 2 could not even one scalar fit; go on rather than loop.
            if end == rest.startIndex { end = rest.unicodeScalars.index(after: end) }
            var piece = rest[..<end]
            if let space = piece.lastIndex(where: \.isWhitespace), piece.utf16.distance(from: piece.startIndex, to: space) > limit * 3 / 4 {
                piece = piece[...space]
            }
            pieces.append(String(piece))
            rest = rest[piece.endIndex...]
        }
        if !rest.isEmpty || pieces.isEmpty { pieces.append(String(rest)) }
        return pieces
    }

    /// The end of the longest run of whole characters within `limit` UTF-16 units.
    private static func charactersEnd(of text: Substring, within limit: Int) -> String.Index {
        var end = text.startIndex
        var used = 0
        for character in text {
            used += character.utf16.count
            if used > limit { break }
            end = text.index(after: end)
        }
        return end
    }

    /// The same in whole scalars, so a surrogate pair is never cut.
    private static func scalarsEnd(of text: Substring, within limit: Int) -> String.Index {
        var end = text.startIndex
        var used = 0
        for scalar in text.unicodeScalars {
            used += UTF16.width(scalar)
            if used > limit { break }
            end = text.unicodeScalars.index(after: end)
        }
        return end
    }

    // MARK: The arena

    private mutating func receive(_ message: ArenaMessage, at now: Moment) -> [Effect] {
        switch message {
        case .ping:
            return [.send(["type": "PONG", "ts": .number(Double(now.wallMs))])]
        case .ack(let ack):
            guard phase == .registering else { return outOfOrder("ARENA_ACK", "a second ARENA_ACK, or one before AGENT_CONNECT") }
            phase = .registered(slot: ack.slot)
            backoff.connectionWorked()
            replayWindowEnds = now.monotonicMs + Self.replayWindowMs
            let queued = outbox
            outbox.removeAll()
            return [.note(.joined(slot: ack.slot, peers: ack.connectedPeers ?? 1))] + queued.flatMap { post($0.type, at: now, payload: $0.payload) }
        case .task(let task):
            guard case .registered = phase else { return outOfOrder("GLOBAL_TASK", "a GLOBAL_TASK before ARENA_ACK") }
            guard !givenTasks.contains(task.taskId) else { return [] }
            if let end = replayWindowEnds, now.monotonicMs < end {
                if !replayed.contains(where: { $0.taskId == task.taskId }) { replayed.append(task) }
                return []
            }
            var effects = flushReplayed()
            givenTasks.insert(task.taskId)
            effects.append(.runTask(taskId: task.taskId, description: task.description))
            return effects
        case .peerThought(let thought):
            guard case .registered = phase else { return outOfOrder("PEER_THOUGHT", "a PEER_THOUGHT before ARENA_ACK") }
            // The arena never sends an agent its own thoughts as a peer's.
            guard thought.sourceAgentId.lowercased() != agentId.lowercased() else {
                return outOfOrder("PEER_THOUGHT self", "a PEER_THOUGHT from this agent itself")
            }
            return [.deliverPeerThought(peerId: thought.sourceAgentId, taskId: thought.taskId, thought: thought.content)]
        case .error(let reason):
            return [.note(.arenaError(reason))]
        case .unknown, .malformed:
            return rejectedFrames.record(message).map { [.note(.ignoredFrame($0))] } ?? []
        case .pong, .thought, .response, .agentLeft, .snapshot, .agentJoined, .tasksCleared, .adminResult:
            // Everybody's thoughts and answers, leaves, and the spectators' extension: nothing for an agent to do.
            return []
        }
    }

    /// A frame that is valid but makes no sense now: ignored, and told once per kind.
    private mutating func outOfOrder(_ kind: String, _ what: String) -> [Effect] {
        guard toldOutOfOrder.count < 16, toldOutOfOrder.insert(kind).inserted else { return [] }
        return [.note(.ignoredFrame("ignored \(what) (frames like it are not shown again)"))]
    }

    private mutating func tick(_ now: Moment) -> [Effect] {
        if case .waiting(let until) = phase, now.monotonicMs >= until {
            phase = .connecting
            return [.connect]
        }
        if let end = replayWindowEnds, now.monotonicMs >= end { return flushReplayed() }
        return []
    }

    /// The replay burst is over: the newest replayed task runs, the older ones are noted as skipped.
    private mutating func flushReplayed() -> [Effect] {
        replayWindowEnds = nil
        guard let newest = replayed.max(by: { $0.issuedAt < $1.issuedAt }) else { return [] }
        var effects: [Effect] = []
        for task in replayed where task.taskId != newest.taskId && givenTasks.insert(task.taskId).inserted {
            effects.append(.note(.skippedReplayedTask(taskId: task.taskId)))
        }
        replayed.removeAll()
        if givenTasks.insert(newest.taskId).inserted {
            effects.append(.runTask(taskId: newest.taskId, description: newest.description))
        }
        return effects
    }

    /// When the session next needs a tick (a reconnect or the end of a replay window), if ever; monotonic ms.
    public var nextTickAt: Int64? {
        if case .waiting(let until) = phase { return until }
        return replayWindowEnds
    }

    // MARK: Envelopes

    /// Sends now when registered, else keeps the message for the next connection.
    private mutating func post(_ type: String, at now: Moment, payload: JSONObject) -> [Effect] {
        guard case .registered = phase else {
            outbox.append((type, payload))
            if outbox.count > Self.outboxLimit { outbox.removeFirst(outbox.count - Self.outboxLimit) }
            return []
        }
        return [.send(Self.fitted(envelope(type, at: now, payload: payload)))]
    }

    private mutating func envelope(_ type: String, at now: Moment, payload: JSONObject) -> JSONValue {
        defer { seq += 1 }
        return ["type": .string(type), "agentId": .string(agentId), "slot": 0, "seq": .number(Double(seq)),
                "ts": .number(Double(now.wallMs)), "payload": .object(payload)]
    }

    /// The arena closes the socket on frames over 8192 bytes: content that escapes to more than that
    /// (control characters take 6 bytes each in JSON) is shortened until the frame fits.
    static func fitted(_ message: JSONValue) -> JSONValue {
        guard case .object(var object) = message, var payload = object["payload"]?.objectValue,
              var content = payload["content"]?.stringValue else { return message }
        var current = message
        while JSONCodec.encode(current).count > ProtocolLimits.maxFrameBytes && !content.isEmpty {
            content = content.javaScriptPrefix(content.javaScriptLength * 3 / 4)
            payload["content"] = .string(content)
            object["payload"] = .object(payload)
            current = .object(object)
        }
        return current
    }
}

extension ParticipantSession.Note: CustomStringConvertible {
    public var description: String {
        switch self {
        case .joined(let slot, let peers): return "joined the arena (slot \(slot), \(peers) connected)"
        case .reconnecting(let ms, let reason): return "arena connection lost (\(reason)); retrying in \((ms + 500) / 1000) s"
        case .arenaError(let reason): return "arena error: \(reason)"
        case .ignoredFrame(let what): return what
        case .skippedReplayedTask(let id): return "skipped replayed task \(id.prefix(8)): answering the newest"
        case .thoughtNotSent(let why): return "thought not posted: \(why)"
        case .clipped(let what): return "clipped: \(what)"
        }
    }
}

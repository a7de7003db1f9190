import Agents
import ArenaProtocol
import Testing

/// One local agent's life in an arena, without a socket: arena frames and agent events in, effects out.
/// Every frame the session sends is put through the arena's own rules (`ProtocolValidation`, the frame
/// limit, seq rising on each connection), as the relay would.
@Suite struct ParticipantSessionTests {
    typealias Session = ParticipantSession
    static let agentId = "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b"
    static let peerId = "0b5e7c1d-2a3f-4e6d-9b8c-7a6f5e4d3c2b"
    static let taskIds = (0..<5).map { "0d8f5a5e-4c1b-4e4e-9a55-6f5d3c2b1a0\($0)" }
    static let info = AgentInfo(name: "tester", version: "1.0.0", color: "#123456", persona: "pragmatist")
    static let t0: Moment = 1_763_700_000_000

    // MARK: Frames from the arena, as the relay encodes them

    static func frame(_ bytes: [UInt8], at now: Moment) -> Session.Input {
        .frame(ArenaMessage(frame: bytes), at: now)
    }

    static func ack(slot: Int = 2, peers: Int = 3, at now: Moment) -> Session.Input {
        frame(ServerMessages.ack(slot: slot, connectedPeers: peers, ts: now.wallMs), at: now)
    }

    static func task(_ taskId: String, issuedAt: Int64, at now: Moment) -> Session.Input {
        frame(ServerMessages.globalTask(GlobalTaskPayload(taskId: taskId, description: "task \(taskId.suffix(2))", issuedAt: issuedAt), ts: now.wallMs),
              at: now)
    }

    static func run(_ taskId: String) -> Session.Effect {
        .runTask(taskId: taskId, description: "task \(taskId.suffix(2))")
    }

    /// A session that has joined (slot 2) at `t0`, its replay window already over.
    static func joined() -> (Session, ArenaRules) {
        var session = Session(agentId: agentId)
        var arena = ArenaRules()
        _ = session.handle(.agentStarted(info, at: t0))
        arena.check(session.handle(.connected(at: t0)), at: t0)
        _ = session.handle(ack(at: t0))
        _ = session.handle(.tick(at: t0 + 300))
        return (session, arena)
    }

    // MARK: Joining

    @Test func joinsOnceTheAgentIsLive() throws {
        var session = Session(agentId: Self.agentId)
        var arena = ArenaRules()
        #expect(session.phase == .starting)
        #expect(session.handle(.connected(at: Self.t0)).isEmpty)
        #expect(session.handle(.disconnected(reason: "nothing yet", at: Self.t0, jitter: 0.5)).isEmpty)
        #expect(session.handle(.agentStarted(Self.info, at: Self.t0)) == [.connect])
        #expect(session.phase == .connecting)

        let connect = try #require(arena.check(session.handle(.connected(at: Self.t0 + 5)), at: Self.t0 + 5).first)
        #expect(connect["type"] == "AGENT_CONNECT")
        #expect(connect["agentId"]?.stringValue == Self.agentId)
        #expect(connect["seq"] == 0)
        #expect(connect["ts"] == .number(Double((Self.t0 + 5).wallMs)))
        #expect(connect["payload"] == ["name": "tester", "color": "#123456", "persona": "pragmatist", "version": "1.0.0"])
        #expect(session.phase == .registering)

        #expect(session.handle(Self.ack(slot: 4, peers: 7, at: Self.t0 + 10)) == [.note(.joined(slot: 4, peers: 7))])
        #expect(session.phase == .registered(slot: 4))
        // A second ACK changes nothing; it is told once.
        #expect(session.handle(Self.ack(slot: 9, at: Self.t0 + 20))
            == [.note(.ignoredFrame("ignored a second ARENA_ACK, or one before AGENT_CONNECT (frames like it are not shown again)"))])
        #expect(session.handle(Self.ack(slot: 9, at: Self.t0 + 30)).isEmpty)
        #expect(session.phase == .registered(slot: 4))
    }

    @Test func overlongInfoIsClippedToTheArenasLimits() throws {
        var session = Session(agentId: Self.agentId)
        var arena = ArenaRules()
        let long = AgentInfo(name: String(repeating: "n", count: 100), version: String(repeating: "9", count: 40),
                             color: String(repeating: "c", count: 40), persona: String(repeating: "🙂", count: 40))
        _ = session.handle(.agentStarted(long, at: Self.t0))
        let payload = try #require(arena.check(session.handle(.connected(at: Self.t0)), at: Self.t0).first?["payload"]?.objectValue)
        #expect(payload["name"]?.stringValue?.count == 64)
        #expect(payload["version"]?.stringValue?.count == 32)
        #expect(payload["color"]?.stringValue?.count == 32)
        // 32 emoji are 64 UTF-16 units: whole, never half a surrogate pair.
        #expect(payload["persona"]?.stringValue == String(repeating: "🙂", count: 32))
    }

    @Test func pingIsAnsweredWithPong() {
        var (session, _) = Self.joined()
        #expect(session.handle(Self.frame(ServerMessages.ping(ts: Self.t0.wallMs), at: Self.t0 + 1000))
            == [.send(["type": "PONG", "ts": .number(Double((Self.t0 + 1000).wallMs))])])
    }

    @Test func arenaErrorsAreNotedAndOtherFramesIgnored() {
        var (session, _) = Self.joined()
        #expect(session.handle(Self.frame(ServerMessages.error("Invalid seq", targetAgentId: Self.agentId, ts: Self.t0.wallMs), at: Self.t0))
            == [.note(.arenaError("Invalid seq"))])
        #expect(session.handle(Self.frame(ServerMessages.bareError("Malformed JSON"), at: Self.t0)) == [.note(.arenaError("Malformed JSON"))])
        #expect(session.handle(.frame(["type": "WHATEVER"], at: Self.t0))
            == [.note(.ignoredFrame("ignored a message of a type this version does not know: WHATEVER (frames like it are not shown again)"))])
        #expect(session.handle(.frame(["type": "WHATEVER"], at: Self.t0)).isEmpty)
        #expect(session.handle(.frame(["type": "GLOBAL_TASK", "payload": ["taskId": 7]], at: Self.t0))
            == [.note(.ignoredFrame("ignored a malformed frame from the arena: GLOBAL_TASK: payload.taskId is a number, not a string (frames like it are not shown again)"))])
        #expect(session.handle(.agentEvent(.thinking(taskId: Self.taskIds[0]), at: Self.t0)).isEmpty)
        #expect(session.handle(.agentEvent(.log(.info, "hi"), at: Self.t0)).isEmpty)
    }

    // MARK: Tasks

    @Test func aTaskRunsOnceAndNeverAgain() {
        var (session, _) = Self.joined()
        let now = Self.t0 + 1000
        #expect(session.handle(Self.task(Self.taskIds[0], issuedAt: (now).wallMs, at: now)) == [Self.run(Self.taskIds[0])])
        #expect(session.handle(Self.task(Self.taskIds[0], issuedAt: (now).wallMs, at: now + 1)).isEmpty)

        // Replayed after a reconnect, it still does not run again.
        _ = session.handle(.disconnected(reason: "EOF", at: now + 10, jitter: 0.5))
        #expect(session.handle(.tick(at: now + 1010)) == [.connect])
        _ = session.handle(.connected(at: now + 1020))
        _ = session.handle(Self.ack(at: now + 1030))
        #expect(session.handle(Self.task(Self.taskIds[0], issuedAt: (now).wallMs, at: now + 1031)).isEmpty)
        #expect(session.handle(.tick(at: now + 1330)).isEmpty)
    }

    @Test func ofTheTasksReplayedOnJoiningOnlyTheNewestRuns() {
        var session = Session(agentId: Self.agentId)
        _ = session.handle(.agentStarted(Self.info, at: Self.t0))
        _ = session.handle(.connected(at: Self.t0))
        _ = session.handle(Self.ack(at: Self.t0))
        #expect(session.nextTickAt == (Self.t0 + 300).monotonicMs)
        // The relay replays the recent tasks oldest first, right after the ACK.
        for (index, id) in Self.taskIds.prefix(3).enumerated() {
            #expect(session.handle(Self.task(id, issuedAt: Self.t0.wallMs - 60_000 + Int64(index), at: Self.t0 + 1)).isEmpty)
        }
        #expect(session.handle(.tick(at: Self.t0 + 299)).isEmpty)
        #expect(session.handle(.tick(at: Self.t0 + 300)) == [
            .note(.skippedReplayedTask(taskId: Self.taskIds[0])),
            .note(.skippedReplayedTask(taskId: Self.taskIds[1])),
            Self.run(Self.taskIds[2]),
        ])
        #expect(session.nextTickAt == nil)
        // None of them runs later, and a new task runs at once.
        #expect(session.handle(Self.task(Self.taskIds[1], issuedAt: (Self.t0).wallMs, at: Self.t0 + 400)).isEmpty)
        #expect(session.handle(Self.task(Self.taskIds[3], issuedAt: (Self.t0 + 500).wallMs, at: Self.t0 + 500)) == [Self.run(Self.taskIds[3])])
    }

    @Test func aLiveTaskAfterTheWindowFirstFlushesTheReplay() {
        var session = Session(agentId: Self.agentId)
        _ = session.handle(.agentStarted(Self.info, at: Self.t0))
        _ = session.handle(.connected(at: Self.t0))
        _ = session.handle(Self.ack(at: Self.t0))
        _ = session.handle(Self.task(Self.taskIds[0], issuedAt: Self.t0.wallMs - 5000, at: Self.t0 + 1))
        _ = session.handle(Self.task(Self.taskIds[1], issuedAt: Self.t0.wallMs - 4000, at: Self.t0 + 1))
        // No tick came in time: the next task ends the window itself.
        #expect(session.handle(Self.task(Self.taskIds[2], issuedAt: (Self.t0 + 400).wallMs, at: Self.t0 + 400)) == [
            .note(.skippedReplayedTask(taskId: Self.taskIds[0])),
            Self.run(Self.taskIds[1]),
            Self.run(Self.taskIds[2]),
        ])
    }

    // MARK: Thoughts and responses

    @Test func thoughtsAreNumberedPerTask() throws {
        var (session, arena) = Self.joined()
        var frames: [JSONObject] = []
        for (index, taskId) in [Self.taskIds[0], Self.taskIds[0], Self.taskIds[1], Self.taskIds[0]].enumerated() {
            let now = Self.t0 + 1000 + Int64(index)
            frames += arena.check(session.handle(.agentEvent(.broadcast(taskId: taskId, content: "thought \(index)"), at: now)), at: now)
        }
        #expect(frames.map { $0["type"] } == Array(repeating: "AGENT_THOUGHT", count: 4))
        #expect(frames.map { $0["payload"]?.objectValue?["step"] } == [1, 2, 1, 3])
        #expect(frames.map { $0["seq"] } == [1, 2, 3, 4])
        #expect(frames.last?["payload"] == ["taskId": .string(Self.taskIds[0]), "step": 3, "content": "thought 3"])
    }

    @Test func aThoughtOutsideATaskIsNotSent() {
        var (session, _) = Self.joined()
        #expect(session.handle(.agentEvent(.broadcast(taskId: nil, content: "idle musing"), at: Self.t0))
            == [.note(.thoughtNotSent("a thought outside of any task stays in the console"))])
    }

    struct LongText: CustomTestStringConvertible, Sendable {
        let testDescription: String
        let content: String
    }

    @Test(arguments: [
        LongText(testDescription: "surrogate pairs across every boundary", content: String(repeating: "ab😀", count: 700)),
        LongText(testDescription: "five units per character, joined by a ZWJ", content: String(repeating: "👩‍🚀", count: 400)),
        LongText(testDescription: "a combining accent after each letter", content: String(repeating: "e\u{301}", count: 1500)),
        LongText(testDescription: "words, cut at whitespace", content: String(repeating: "word ", count: 500)),
    ])
    func longThoughtsAreSplitWithNothingLostOrBroken(_ text: LongText) throws {
        let content = text.content
        var (session, arena) = Self.joined()
        let frames = arena.check(session.handle(.agentEvent(.broadcast(taskId: Self.taskIds[0], content: content), at: Self.t0)), at: Self.t0)
        let pieces = frames.compactMap { $0["payload"]?.objectValue?["content"]?.stringValue }
        #expect(pieces.count == frames.count)
        #expect(pieces.count == (content.utf16.count + 1023) / 1024 || pieces.count == (content.utf16.count + 1023) / 1024 + 1)
        #expect(pieces.allSatisfy { $0.utf16.count <= 1024 && !$0.isEmpty })
        #expect(pieces.joined() == content)
        #expect(frames.map { $0["payload"]?.objectValue?["step"] } == (1...pieces.count).map { .number(Double($0)) })
        // Whole characters only: every piece is made of the same characters as the whole.
        #expect(Set(pieces.joined().map { $0 }) == Set(content.map { $0 }))
        #expect(pieces.allSatisfy { piece in piece.allSatisfy { content.contains($0) } })
    }

    @Test func aThoughtOverFourPostsIsClipped() {
        var (session, arena) = Self.joined()
        let content = String(repeating: "x", count: 5000)
        let effects = session.handle(.agentEvent(.broadcast(taskId: Self.taskIds[0], content: content), at: Self.t0))
        let frames = arena.check(effects, at: Self.t0)
        #expect(frames.count == 4)
        #expect(effects.last == .note(.clipped("a thought of 5000 characters was cut to 4 posts of 1024")))
    }

    @Test func aHugeThoughtIsCutQuickly() {
        var (session, arena) = Self.joined()
        // A megabyte, as the sandbox lets an agent broadcast: only four posts are ever made of it.
        let content = String(repeating: "🙂 ", count: 350_000)
        let frames = arena.check(session.handle(.agentEvent(.broadcast(taskId: Self.taskIds[0], content: content), at: Self.t0)), at: Self.t0)
        #expect(frames.count == 4)
    }

    @Test func aResponseCarriesItsDurationAndIsClipped() throws {
        var (session, arena) = Self.joined()
        let content = String(repeating: "y", count: 3000)
        let effects = session.handle(.agentEvent(.responded(taskId: Self.taskIds[0], content: content, durationMs: 1234.4), at: Self.t0))
        #expect(effects.first == .note(.clipped("the response was cut from 3000 to 2048 characters")))
        let frame = try #require(arena.check(effects, at: Self.t0).first)
        #expect(frame["type"] == "AGENT_RESPONSE")
        #expect(frame["payload"] == ["taskId": .string(Self.taskIds[0]), "content": .string(String(repeating: "y", count: 2048)), "durationMs": 1234])
    }

    @Test func aFrameOverTheLimitIsShortenedToFit() throws {
        var (session, arena) = Self.joined()
        // Control characters escape to six bytes each (\u0001): 2000 of them make a 12 kB frame.
        let content = String(repeating: "\u{1}", count: 2000)
        let effects = session.handle(.agentEvent(.responded(taskId: Self.taskIds[0], content: content, durationMs: 5), at: Self.t0))
        let frame = try #require(arena.check(effects, at: Self.t0).first)
        let sent = try #require(frame["payload"]?.objectValue?["content"]?.stringValue)
        #expect(content.hasPrefix(sent))
        #expect(sent.count > 1000)
    }

    // MARK: Losing the arena

    @Test func reconnectsWithBackoffUpToThirtySeconds() {
        var (session, _) = Self.joined()
        var now = Self.t0 + 1000
        var delays: [Int64] = []
        for _ in 0..<8 {
            guard case .note(.reconnecting(let delay, "connection refused"))? = session.handle(
                .disconnected(reason: "connection refused", at: now, jitter: 0.5)).first else { break }
            delays.append(delay)
            #expect(session.nextTickAt == (now + delay).monotonicMs)
            #expect(session.handle(.tick(at: now + (delay - 1))).isEmpty)
            #expect(session.handle(.tick(at: now + delay)) == [.connect])
            now = now + delay
        }
        #expect(delays == [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000])

        // Once it joins again, the next drop starts over at one second.
        _ = session.handle(.connected(at: now))
        _ = session.handle(Self.ack(at: now))
        #expect(session.handle(.disconnected(reason: "EOF", at: now + 5, jitter: 0.5)) == [.note(.reconnecting(inMs: 1000, reason: "EOF"))])
    }

    @Test func jitterSpreadsTheDelay() {
        var (early, _) = Self.joined()
        var (late, _) = Self.joined()
        #expect(early.handle(.disconnected(reason: "EOF", at: Self.t0, jitter: 0)) == [.note(.reconnecting(inMs: 800, reason: "EOF"))])
        #expect(late.handle(.disconnected(reason: "EOF", at: Self.t0, jitter: 1)) == [.note(.reconnecting(inMs: 1200, reason: "EOF"))])
    }

    @Test func whatTheAgentSaidWhileDisconnectedGoesOutAfterTheNextAck() throws {
        var (session, arena) = Self.joined()
        let now = Self.t0 + 1000
        _ = arena.check(session.handle(.agentEvent(.broadcast(taskId: Self.taskIds[0], content: "before"), at: now)), at: now)
        _ = session.handle(.disconnected(reason: "EOF", at: now + 1, jitter: 0.5))
        #expect(session.handle(.agentEvent(.broadcast(taskId: Self.taskIds[0], content: "during"), at: now + 2)).isEmpty)
        #expect(session.handle(.agentEvent(.responded(taskId: Self.taskIds[0], content: "answer", durationMs: 9), at: now + 3)).isEmpty)

        #expect(session.handle(.tick(at: now + 1001)) == [.connect])
        arena.newConnection()
        let connect = arena.check(session.handle(.connected(at: now + 1002)), at: now + 1002)
        #expect(connect.first?["seq"] == 0)
        let effects = session.handle(Self.ack(at: now + 1003))
        #expect(effects.first == .note(.joined(slot: 2, peers: 3)))
        let frames = arena.check(effects, at: now + 1003)
        #expect(frames.map { $0["type"] } == ["AGENT_THOUGHT", "AGENT_RESPONSE"])
        #expect(frames.map { $0["seq"] } == [1, 2])
        #expect(frames.map { $0["ts"] } == [.number(Double((now + 1003).wallMs)), .number(Double((now + 1003).wallMs))])
        #expect(frames.first?["payload"] == ["taskId": .string(Self.taskIds[0]), "step": 2, "content": "during"])
    }

    @Test func theOutboxKeepsTheNewestSixtyFour() {
        var (session, arena) = Self.joined()
        _ = session.handle(.disconnected(reason: "EOF", at: Self.t0, jitter: 0.5))
        for index in 0..<70 {
            _ = session.handle(.agentEvent(.broadcast(taskId: Self.taskIds[0], content: "thought \(index)"), at: Self.t0))
        }
        _ = session.handle(.tick(at: Self.t0 + 1000))
        arena.newConnection()
        _ = arena.check(session.handle(.connected(at: Self.t0 + 1000)), at: Self.t0 + 1000)
        let frames = arena.check(session.handle(Self.ack(at: Self.t0 + 1000)), at: Self.t0 + 1000)
        #expect(frames.count == 64)
        #expect(frames.first?["payload"]?.objectValue?["content"] == "thought 6")
    }

    // MARK: Leaving

    @Test(arguments: [
        (Session.Input.agentEvent(.failed("handle-task failed: trapped: unreachable"), at: t0), "agent failed: handle-task failed: trapped: unreachable"),
        (Session.Input.agentEvent(.stopped, at: t0), "agent stopped"),
        (Session.Input.stop, "agent stopped"),
    ])
    func aFailedOrStoppedAgentLeavesForGood(_ input: Session.Input, reason: String) {
        var (session, _) = Self.joined()
        #expect(session.handle(input) == [.close(code: 1000, reason: reason)])
        #expect(session.phase == .ended)
        #expect(session.handle(.disconnected(reason: "closed", at: Self.t0 + 1, jitter: 0.5)).isEmpty)
        #expect(session.handle(.tick(at: Self.t0 + 60_000)).isEmpty)
        #expect(session.handle(Self.task(Self.taskIds[4], issuedAt: (Self.t0).wallMs, at: Self.t0 + 2)).isEmpty)
        #expect(session.handle(.agentEvent(.broadcast(taskId: Self.taskIds[4], content: "late"), at: Self.t0 + 3)).isEmpty)
        #expect(session.handle(.connected(at: Self.t0 + 4)).isEmpty)
        #expect(session.nextTickAt == nil)
    }

    @Test func aNewBuildTakesTheSeatWithoutJoiningAgain() throws {
        var (session, arena) = Self.joined()
        let renamed = AgentInfo(name: "tester2", version: "1.1.0", color: "#654321", persona: "contrarian")
        #expect(session.handle(.agentReplaced(renamed)).isEmpty)
        #expect(session.phase == .registered(slot: 2))
        // The new info goes out at the next join, after a lost connection.
        _ = session.handle(.disconnected(reason: "lost", at: Self.t0 + 1, jitter: 0))
        _ = session.handle(.tick(at: Self.t0 + 60_000))
        arena.newConnection()
        let connect = try #require(arena.check(session.handle(.connected(at: Self.t0 + 60_001)), at: Self.t0 + 60_001).first)
        #expect(connect["payload"]?.objectValue?["name"] == "tester2" && connect["payload"]?.objectValue?["version"] == "1.1.0")
    }

    @Test func onlyANewBuildOfAFailedAgentJoinsAgain() {
        var (failed, _) = Self.joined()
        _ = failed.handle(.agentEvent(.failed("trapped"), at: Self.t0))
        #expect(failed.handle(.agentStarted(Self.info, at: Self.t0 + 1)) == [.connect])
        #expect(failed.phase == .connecting)
        var (stopped, _) = Self.joined()
        _ = stopped.handle(.stop)
        #expect(stopped.handle(.agentStarted(Self.info, at: Self.t0 + 1)).isEmpty)
        #expect(stopped.phase == .ended)
    }

    @Test func aLongFailureIsClippedToAValidCloseReason() throws {
        var (session, _) = Self.joined()
        let effects = session.handle(.agentEvent(.failed(String(repeating: "é", count: 200)), at: Self.t0))
        guard case .close(1000, let reason)? = effects.first else { Issue.record("no close: \(effects)"); return }
        #expect(reason.utf8.count <= 123)
        #expect(reason.hasPrefix("agent failed: éé"))
    }

    // MARK: Peers

    @Test func peerThoughtsFromOthersAreDeliveredAndOwnOnesIgnored() {
        var (session, _) = Self.joined()
        let thought = AgentThoughtPayload(taskId: Self.taskIds[0], step: 1, content: "costs matter")
        #expect(session.handle(Self.frame(ServerMessages.peerThought(from: Self.peerId, thought, ts: Self.t0.wallMs), at: Self.t0))
            == [.deliverPeerThought(peerId: Self.peerId, taskId: Self.taskIds[0], thought: "costs matter")])
        // The arena never sends an agent its own thought as a peer's: told once, never delivered.
        #expect(session.handle(Self.frame(ServerMessages.peerThought(from: Self.agentId, thought, ts: Self.t0.wallMs), at: Self.t0))
            == [.note(.ignoredFrame("ignored a PEER_THOUGHT from this agent itself (frames like it are not shown again)"))])
        #expect(session.handle(Self.frame(ServerMessages.peerThought(from: Self.agentId, thought, ts: Self.t0.wallMs), at: Self.t0)).isEmpty)
    }
}

/// The arena's side: each frame a session sends must fit in a frame, parse, and pass the relay's
/// envelope and payload validation, with seq rising on each connection.
struct ArenaRules {
    private var lastSeq: Double?

    mutating func newConnection() { lastSeq = nil }

    /// The frames among `effects`, checked; each is returned as the arena parsed it.
    @discardableResult
    mutating func check(_ effects: [ParticipantSession.Effect], at now: Moment,
                        sourceLocation: SourceLocation = #_sourceLocation) -> [JSONObject] {
        var frames: [JSONObject] = []
        for case .send(let value) in effects {
            let bytes = JSONCodec.encode(value)
            #expect(bytes.count <= ProtocolLimits.maxFrameBytes, "a frame of \(bytes.count) bytes", sourceLocation: sourceLocation)
            guard case .success(let message) = ProtocolValidation.parse(bytes) else {
                Issue.record("unparseable frame", sourceLocation: sourceLocation)
                continue
            }
            frames.append(message)
            switch ProtocolValidation.validateEnvelope(message, lastSeq: lastSeq, now: Double((now).wallMs)) {
            case .failure(let failure):
                Issue.record("the arena refuses the envelope: \(failure.reason)", sourceLocation: sourceLocation)
            case .success(let envelope):
                if envelope.type == .ping || envelope.type == .pong { continue }
                lastSeq = envelope.seq
                if case .failure(let failure) = ProtocolValidation.validatePayload(of: envelope.type, in: message) {
                    Issue.record("the arena refuses the payload: \(failure.reason)", sourceLocation: sourceLocation)
                }
            }
        }
        return frames
    }
}

extension ParticipantSession.Input {
    /// An arena message written as JSON, through the one decoder, as the shell delivers it.
    static func frame(_ object: JSONObject, at moment: Moment) -> Self {
        .frame(ArenaMessage(object), at: moment)
    }
}

@Suite("A participant under a stepped wall clock")
struct ParticipantWallClockTests {
    @Test("stepped by ±2 hours, the backoff and the replay window keep real time; ts follows the wall",
          arguments: [7_200_000, -7_200_000] as [Int64])
    func backoffKeepsRealTime(step: Int64) {
        let start = ParticipantSessionTests.t0
        var session = ParticipantSession(agentId: ParticipantSessionTests.agentId)
        _ = session.handle(.agentStarted(ParticipantSessionTests.info, at: start))
        _ = session.handle(.connected(at: start))
        _ = session.handle(ParticipantSessionTests.ack(at: start))
        let stepped = (start + 100).steppingWallClock(by: step)
        #expect(session.handle(.tick(at: stepped)).isEmpty, "the 300 ms replay window is not over after 100 ms")
        #expect(session.handle(.disconnected(reason: "EOF", at: stepped, jitter: 0.5)) == [.note(.reconnecting(inMs: 1000, reason: "EOF"))])
        #expect(session.handle(.tick(at: stepped + 999)).isEmpty)
        #expect(session.handle(.tick(at: stepped + 1000)) == [.connect])
        guard case .send(let connect)? = session.handle(.connected(at: stepped + 1001)).first else { Issue.record("no AGENT_CONNECT"); return }
        #expect(connect["ts"] == .number(Double(start.wallMs + 1101 + step)))
    }
}

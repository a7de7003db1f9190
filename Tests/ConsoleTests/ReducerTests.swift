import ArenaProtocol
@testable import Console
import Testing

@Suite("Connecting, spectating and reconnecting")
struct ConnectionTests {
    @Test("once connected the console asks to spectate; the snapshot fills roster, task and chat")
    func spectate() {
        var store = ConsoleStore()
        store.send(.connected(at: now), effects: [.send(["type": "SPECTATE", "ts": .number(Double(nowMs)), "payload": ["history": 300]])]) {
            $0.connection = .connected(since: nowMs)
            $0.nextPingAt = nowMs + 5000
        }
        let task: JSONValue = ["taskId": .string(taskId), "description": "Plan a picnic", "issuedAt": .number(Double(nowMs))]
        store.prepare(.arena(snapshot(agents: [entry("ada", slot: 0), entry("bob", slot: 1)], tasks: [task],
                                      history: [thought("hmm", from: 0, seq: 1)]), at: now))
        #expect(store.state.arenaKind == .mowai)
        #expect(store.state.roster.map(\.name) == ["ada", "bob"])
        #expect(store.state.task?.description == "Plan a picnic")
        #expect(store.state.chat.entries.map(\.text) == ["Plan a picnic", "hmm"])
        #expect(store.state.consoles[agentId(0)]?.entries.map(\.text) == ["hmm"])
        #expect(store.state.roster[0].activity == .thinking(step: 1))
    }

    @Test("a lost connection waits 1 s, 2 s, 4 s… (±20 % jitter, at most 30 s) and then reconnects")
    func backoff() {
        var store = ConsoleStore()
        store.prepare(.connected(at: now))
        store.send(.disconnected(reason: "arena closed", at: now, jitter: 0.5)) {
            $0.connection = .waiting(until: nowMs + 1000, attempt: 2, reason: "arena closed")
            _ = $0.backoff.connectionLost(jitter: 0.5)
            $0.nextPingAt = nil
        }
        store.send(.tick(now: now + 999)) { $0.now = now + 999 }
        store.send(.tick(now: now + 1000), effects: [.connect]) {
            $0.now = now + 1000
            $0.connection = .connecting(attempt: 2)
        }
        store.send(.disconnected(reason: "refused", at: now + 1100, jitter: 0.5)) {
            $0.now = now + 1100
            $0.connection = .waiting(until: nowMs + 1100 + 2000, attempt: 3, reason: "refused")
            _ = $0.backoff.connectionLost(jitter: 0.5)
        }
        #expect(ReconnectPolicy.delayMs(attempt: 3, jitter: 0) == 3200)
        #expect(ReconnectPolicy.delayMs(attempt: 10, jitter: 1) == 30_000)
        #expect(ReconnectPolicy.delayMs(attempt: 10, jitter: 0) == 24_000)
    }

    @Test("only a connection that delivered its snapshot restarts the backoff at 1 s")
    func backoffResetsWhenHealthy() {
        var store = ConsoleStore()
        for _ in 0..<3 {
            store.prepare(.connected(at: store.state.now))
            store.prepare(.disconnected(reason: "dropped at once", at: store.state.now, jitter: 0.5))
        }
        #expect(store.state.backoff.failedAttempts == 3)
        store.prepare(.connected(at: store.state.now))
        store.prepare(.arena(snapshot(agents: []), at: store.state.now))
        store.prepare(.disconnected(reason: "later", at: store.state.now, jitter: 0.5))
        #expect(store.state.backoff.failedAttempts == 1)
        guard case .waiting(let until, _, _) = store.state.connection else { Issue.record("not waiting"); return }
        #expect(until - store.state.now.monotonicMs == 1000)
    }

    @Test("an arena that stops answering PINGs for 15 s is dropped and reconnected")
    func deadArena() {
        var store = ConsoleStore()
        store.prepare(.connected(at: now))
        store.prepare(.arena(snapshot(agents: []), at: now))
        #expect(store.prepare(.tick(now: now + 5000)).count == 1)
        store.prepare(.tick(now: now + 10_000))
        store.prepare(.tick(now: now + 20_000))
        #expect(store.state.connection == .connected(since: nowMs))
        store.prepare(.tick(now: now + 20_001))
        guard case .waiting(_, _, let reason) = store.state.connection else { Issue.record("still connected"); return }
        #expect(reason == "no answer for 15 s")
        #expect(store.state.notices.last?.text == "The arena stopped answering; reconnecting")
    }

    @Test("replays after a reconnect (tasks, snapshot history) are not shown twice")
    func resynchronise() {
        var store = ConsoleStore()
        let task: JSONValue = ["taskId": .string(taskId), "description": "Plan a picnic", "issuedAt": .number(Double(nowMs))]
        let first = snapshot(agents: [entry("ada", slot: 0)], tasks: [task], history: [thought("one", from: 0, seq: 1)])
        store.prepare(.connected(at: now))
        store.prepare(.arena(first, at: now))
        store.prepare(.disconnected(reason: "gone", at: now + 10, jitter: 0))
        store.prepare(.tick(now: now + 2000))
        store.prepare(.connected(at: now + 2000))
        let second = snapshot(agents: [entry("ada", slot: 0), entry("bob", slot: 1)], tasks: [task],
                              history: [thought("one", from: 0, seq: 1), thought("two", from: 0, seq: 2)])
        store.prepare(.arena(second, at: now + 2000))
        #expect(store.state.chat.entries.map(\.text) == ["Plan a picnic", "one", "two"])
        #expect(store.state.taskHistory.count == 1)
        #expect(store.state.roster.map(\.name) == ["ada", "bob"])
    }

    @Test("against the original Arena the console becomes an observer agent and polls the roster")
    func originalArenaFallback() {
        var store = ConsoleStore()
        store.prepare(.connected(at: now))
        store.prepare(.arena(["type": "ARENA_ERROR", "payload": ["reason": "First message must be AGENT_CONNECT"]], at: now))
        #expect(store.state.arenaKind == .original)
        store.prepare(.disconnected(reason: "Protocol violation", at: now, jitter: 0))
        store.prepare(.tick(now: now + 1000))
        let effects = store.prepare(.connected(at: now + 1000))
        #expect(effects.count == 2)
        #expect(effects.last == .pollRoster)
        guard case .send(let connect)? = effects.first else {
            Issue.record("no AGENT_CONNECT sent")
            return
        }
        #expect(connect["type"] == "AGENT_CONNECT")
        #expect(connect["agentId"] == .string(store.state.options.observerAgentId))
        #expect(connect["seq"] == 1)
        #expect(store.state.roleDescription == "observer agent (original arena)")

        let agents = [RosterEntry(agentId: agentId(3), slot: 3, name: "cy", color: "", persona: "", version: "", connectedAt: nowMs)]
        store.prepare(.rosterPolled(agents))
        #expect(store.state.roster.map(\.name) == ["cy"])
        store.prepare(.rosterPolled([]))
        #expect(store.state.roster.first?.isOnline == false)
    }

    @Test("PING is answered with PONG; every 5 s the console pings, and polls /agents on the original")
    func keepalive() {
        var store = ConsoleStore()
        store.prepare(.connected(at: now))
        store.send(.arena(["type": "PING", "ts": 1], at: now), effects: [.send(["type": "PONG", "ts": .number(Double(nowMs))])])
        store.send(.tick(now: now + 5000), effects: [.send(["type": "PING", "ts": .number(Double(nowMs + 5000))])]) {
            $0.now = now + 5000
            $0.pingSentAt = nowMs + 5000
            $0.nextPingAt = nowMs + 10_000
        }
    }
}

@Suite("The conversation")
struct ConversationTests {
    @Test("joins, thoughts, responses and leaves reach the chat, the consoles and the roster")
    func conversation() {
        var store = ConsoleStore()
        store.prepare(.connected(at: now))
        store.prepare(.arena(snapshot(agents: []), at: now))
        store.prepare(.arena(["type": "AGENT_JOIN", "agentId": .string(agentId(0)), "payload": entry("ada", slot: 0)], at: now))
        store.prepare(.arena(thought("first idea", from: 0, seq: 1, step: 2), at: now))
        store.prepare(.arena(["type": "AGENT_RESPONSE", "agentId": .string(agentId(0)), "seq": 2, "ts": .number(Double(nowMs + 9)),
                              "payload": ["taskId": .string(taskId), "content": "the answer", "durationMs": 1500]], at: now))
        store.prepare(.arena(["type": "AGENT_DISCONNECT", "agentId": .string(agentId(0)), "payload": ["name": "ada", "slot": 0, "reason": "Idle timeout"]], at: now))
        #expect(store.state.chat.entries.map(\.kind) == [.joined, .thought(step: 2), .response(durationMs: 1500), .left])
        #expect(store.state.chat.entries.last?.text == "left (Idle timeout)")
        #expect(store.state.consoles[agentId(0)]?.entries.map(\.text) == ["first idea", "the answer"])
        #expect(store.state.roster.first?.isOnline == false)
    }

    @Test("a flood of 5 000 thoughts keeps the chat and consoles bounded")
    func flood() {
        var store = ConsoleStore()
        store.prepare(.arena(snapshot(agents: [entry("ada", slot: 0)]), at: now))
        for seq in 1...5000 { store.prepare(.arena(thought("flood \(seq)", from: 0, seq: seq), at: now)) }
        #expect(store.state.chat.count <= 2000 + 250)
        #expect(store.state.chat.last?.text == "flood 5000")
        #expect((store.state.consoles[agentId(0)]?.count ?? 0) <= 500 + 62)
    }
}

@Suite("Latency and the observer agent")
struct LatencyTests {
    @Test("the round trip of the console's PING is the latency shown")
    func latency() {
        var store = ConsoleStore()
        store.prepare(.connected(at: now))
        store.prepare(.tick(now: now + 5000))
        #expect(store.state.pingSentAt == nowMs + 5000)
        store.prepare(.arena(["type": "PONG", "ts": 1], at: now + 5012))
        #expect(store.state.latencyMs == 12)
        #expect(store.state.pingSentAt == nil)
    }

    @Test("on the original Arena the console does not list its own observer agent")
    func observerHidden() {
        var store = ConsoleStore()
        let me = store.state.options.observerAgentId
        store.prepare(.rosterPolled([
            RosterEntry(agentId: me, slot: 0, name: "mowai console", color: "", persona: "observer", version: "", connectedAt: nowMs),
            RosterEntry(agentId: agentId(1), slot: 1, name: "ada", color: "", persona: "", version: "", connectedAt: nowMs),
        ]))
        #expect(store.state.roster.map(\.name) == ["ada"])
    }
}

@Suite("Sleeping between ticks")
struct NextTickTests {
    @Test("connected: the next keepalive PING; waiting: every second for the countdown; notices: their expiry")
    func deadlines() {
        var store = ConsoleStore()
        store.prepare(.connected(at: now + 1200))
        #expect(store.state.nextTickAt == nowMs + 6200, "a PING 5 s after connecting")
        store.prepare(.notice(.info, "hello"))
        #expect(store.state.nextTickAt == nowMs + 6200)
        store.prepare(.disconnected(reason: "gone", at: now + 1300, jitter: 0.5))
        #expect(store.state.nextTickAt == nowMs + 2300)
    }
}

@Suite("Polling the original Arena's roster")
struct RosterPollingTests {
    @Test("the first poll fills the roster quietly; later polls announce who joined and who left")
    func announcements() {
        var store = ConsoleStore()
        let ada = RosterEntry(agentId: agentId(1), slot: 1, name: "ada", color: "", persona: "contrarian", version: "", connectedAt: nowMs)
        let bob = RosterEntry(agentId: agentId(2), slot: 2, name: "bob", color: "", persona: "", version: "", connectedAt: nowMs)
        store.prepare(.rosterPolled([ada]))
        #expect(store.state.chat.isEmpty)
        store.prepare(.rosterPolled([ada, bob]))
        store.prepare(.rosterPolled([bob]))
        #expect(store.state.chat.entries.map { "\($0.author) \($0.text)" } == ["bob joined as an agent", "ada left"])
    }
}

@Suite("Hostile numbers and long sessions")
struct RobustnessTests {
    @Test("a response claiming 1e300 ms is refused with one notice, not a crash; a sane one is shown")
    func hugeDuration() {
        var store = ConsoleStore()
        for seq in 1...3 {
            store.prepare(.arena(["type": "AGENT_RESPONSE", "agentId": .string(agentId(0)), "seq": .number(Double(seq)), "ts": .number(Double(nowMs)),
                                  "payload": ["taskId": .string(taskId), "content": "done", "durationMs": 1e300]], at: now))
        }
        #expect(store.state.chat.entries.isEmpty)
        #expect(store.state.notices.map(\.text) == [
            "Ignored a malformed frame from the arena: AGENT_RESPONSE: payload.durationMs must be a number from 0 to 1000000000000 (got 1e+300) (frames like it are not shown again)",
        ])
        #expect(store.state.rejectedFrames.count == 3)
        store.prepare(.arena(["type": "AGENT_RESPONSE", "agentId": .string(agentId(0)), "seq": 4, "ts": .number(Double(nowMs)),
                              "payload": ["taskId": .string(taskId), "content": "done", "durationMs": 1e12]], at: now))
        #expect(store.state.chat.last?.kind == .response(durationMs: 1e12))
    }

    @Test("after thousands of messages, a reconnect still does not repeat a replayed task")
    func taskDedupeOutlivesMessageKeys() {
        var store = ConsoleStore()
        let task: JSONValue = ["taskId": .string(taskId), "description": "Plan", "issuedAt": .number(Double(nowMs))]
        store.prepare(.arena(snapshot(agents: [entry("ada", slot: 0)], tasks: [task]), at: now))
        for seq in 1...6000 { store.prepare(.arena(thought("t\(seq)", from: 0, seq: seq), at: now)) }
        store.prepare(.arena(snapshot(agents: [entry("ada", slot: 0)], tasks: [task]), at: now))
        #expect(store.state.taskHistory.count == 1)
        #expect(store.state.chat.entries.filter { $0.kind == .task }.count <= 1)
        #expect(store.state.seenMessageKeys.count <= 5000)
    }
}

@Suite("Bounded roster")
struct BoundedRosterTests {
    @Test("agents who left are kept up to a limit, their consoles with them")
    func offlineRowsCapped() {
        var store = ConsoleStore()
        for slot in 0..<260 {
            store.prepare(.arena(["type": "AGENT_JOIN", "agentId": .string(agentId(slot)), "payload": entry("a\(slot)", slot: slot)], at: now))
            store.prepare(.arena(thought("hi", from: slot, seq: 1), at: now))
            store.prepare(.arena(["type": "AGENT_DISCONNECT", "agentId": .string(agentId(slot)), "payload": ["name": "x", "slot": 0]], at: now))
        }
        #expect(store.state.roster.count == 200)
        #expect(store.state.consoles.count == 200)
        #expect(store.state.roster.first?.name == "a60")
    }
}

@Suite("A stepped wall clock")
struct ConsoleWallClockTests {
    static let twoHours: Int64 = 2 * 3600 * 1000

    @Test("stepped by ±2 hours, the console neither drops the arena nor retries early; notices live their 6 s",
          arguments: [twoHours, -twoHours])
    func nothingExpires(step: Int64) {
        var store = ConsoleStore()
        store.prepare(.connected(at: now))
        store.prepare(.arena(snapshot(agents: []), at: now))
        store.prepare(.tick(now: now + 5000))
        #expect(store.state.pingSentAt == nowMs + 5000)
        store.prepare(.key(.character("/")))
        store.prepare(.key(.character("x")))
        _ = store.prepare(.key(.enter))
        #expect(store.state.notices.count == 1)

        let stepped = (now + 6000).steppingWallClock(by: step)
        store.prepare(.tick(now: stepped))
        #expect(store.state.connection == .connected(since: nowMs), "a PING 1 s old is not 15 s unanswered")
        #expect(store.state.notices.count == 1, "the notice has 5 s to go")
        #expect(store.state.now.wallMs == nowMs + 6000 + step, "what is shown follows the wall clock")

        // The arena answers; the latency is real time, not the jump.
        store.prepare(.arena(["type": "PONG"], at: stepped + 40))
        #expect(store.state.latencyMs == 1040)

        // A drop waits its 1 s on the monotonic clock, however the wall moves meanwhile.
        store.prepare(.disconnected(reason: "gone", at: stepped + 100, jitter: 0.5))
        let later = (stepped + 1099).steppingWallClock(by: step)
        #expect(store.prepare(.tick(now: later)).isEmpty)
        #expect(store.prepare(.tick(now: later + 1)) == [.connect])
    }
}

import ArenaProtocol
@testable import ArenaRelay
import Testing

/// What `GET /metrics` counts, told as a story, and its text format.
@Suite("Metrics")
struct MetricsTests {
    @Test("Messages by type in and out (per recipient), rejections by reason, closes by code, tasks, HTTP requests")
    func counts() throws {
        var arena = ArenaHarness(adminSecret: "s3cret")
        let ada = arena.connectAgent("Ada")
        let bob = arena.connectAgent("Bob")
        _ = arena.spectate(adminSecret: "s3cret")
        _ = arena.think("hmm", from: ada)
        _ = arena.receive("not json", from: bob.connection)
        _ = arena.sendInvalid(from: bob)  // a thought with step 0
        let stranger = arena.open()
        _ = arena.receive(#"{"type":"AGENT_THOUGHT"}"#, from: stranger)
        _ = arena.http("POST", "/task", secret: "s3cret", body: #"{"description":"Plan a picnic"}"#)
        _ = arena.http("GET", "/metrics")

        let metrics = arena.relay.metrics
        #expect(metrics.connectionsOpened == 4 && metrics.tasksIssued == 1)
        #expect(metrics.received[.agentConnect]?.messages == 2 && metrics.received[.agentThought]?.messages == 3)
        #expect(metrics.received[nil]?.messages == 1 && metrics.received[nil]?.bytes == 8)
        // The thought goes to both agents and the spectator; its PEER_THOUGHT to Bob alone; the task to all three.
        #expect(metrics.sent[.agentThought]?.messages == 3 && metrics.sent[.peerThought]?.messages == 1)
        #expect(metrics.sent[.globalTask]?.messages == 3 && metrics.sent[.arenaAck]?.messages == 2)
        #expect(metrics.sent[.agentThought].map { $0.bytes % 3 == 0 && $0.bytes > 0 } == true)
        #expect(metrics.rejected == [.malformed: 1, .invalid: 1, .refused: 1])
        #expect(metrics.closedByArena == [1008: 1])
        #expect(metrics.httpRequests[.init(path: "/metrics", status: 200)] == 1)
    }

    @Test("The text format: HELP and TYPE per family, labelled samples, gauges of the moment")
    func text() {
        var arena = ArenaHarness()
        _ = arena.connectAgent("Ada")
        _ = arena.http("GET", "/nowhere?x=1")
        arena.relay.metrics.recordHTTP(path: "/health", status: 200)
        let text = MetricsText.render(arena.relay, at: arena.moment)
        #expect(text.contains("# TYPE mowai_arena_agents gauge\nmowai_arena_agents 1\n"))
        #expect(text.contains("mowai_arena_messages_received_total{type=\"AGENT_CONNECT\"} 1\n"))
        #expect(text.contains("mowai_arena_http_requests_total{path=\"/health\",status=\"200\"} 1\n"))
        #expect(text.contains("# HELP mowai_arena_frames_rejected_total "))
        #expect(text.hasSuffix("\n") && !text.contains("\n\n"))
        #expect(MetricsText.escape("a\"b\\c\nd") == "a\\\"b\\\\c\\nd")
    }

    @Test("Unknown paths are counted as other: a scanner cannot grow the report")
    func boundedLabels() {
        var metrics = ArenaMetrics()
        for index in 0..<100 { metrics.recordHTTP(path: "/probe\(index)", status: 404) }
        metrics.recordHTTP(path: "/tasks?since=1", status: 200)
        #expect(metrics.httpRequests == [.init(path: "other", status: 404): 100, .init(path: "/tasks", status: 200): 1])
    }
}

/// What `mowai arena --record` is given: the relay's `.record` effects.
@Suite("Recording effects")
struct RecordingEffectsTests {
    static func recorded(_ effects: [RelayEffect]) -> [String] {
        effects.compactMap { effect in
            guard case .record(let bytes) = effect, let message = try? JSONCodec.decodeObject(bytes) else { return nil }
            return message["type"]?.stringValue
        }
    }

    @Test("Joins, tasks, thoughts, responses, leaves and clearings are recorded only when asked, spectators or not")
    func recordedKinds() {
        var quiet = ArenaHarness(adminSecret: "s3cret")
        let ada = quiet.connectAgent("Ada")
        #expect(Self.recorded(quiet.think("x", from: ada)).isEmpty)

        var arena = ArenaHarness(adminSecret: "s3cret") { $0.recordsEvents = true }
        let (bob, joined) = arena.connect("Bob")
        #expect(Self.recorded(joined) == ["AGENT_JOIN"])
        #expect(Self.recorded(arena.http("POST", "/task", secret: "s3cret", body: #"{"description":"Plan"}"#).effects) == ["GLOBAL_TASK"])
        #expect(Self.recorded(arena.think("hmm", from: bob)) == ["AGENT_THOUGHT"])
        #expect(Self.recorded(arena.respond("done", from: bob)) == ["AGENT_RESPONSE"])
        #expect(Self.recorded(arena.sendInvalid(from: bob)).isEmpty)
        #expect(Self.recorded(arena.http("POST", "/clear-tasks", secret: "s3cret").effects) == ["TASKS_CLEARED"])
        #expect(Self.recorded(arena.close(bob.connection)) == ["AGENT_DISCONNECT"])
    }
}

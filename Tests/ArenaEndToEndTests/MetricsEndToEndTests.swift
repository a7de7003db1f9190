import ArenaProtocol
import EndToEndSupport
import Foundation
import HTTPClient
import Testing

/// `GET /metrics` and `--log-format json` on the real arena, read by independent parsers.
@Suite("Metrics and JSON logs of the real arena")
struct MetricsEndToEndTests {
    struct Sample: Decodable, Equatable {
        let family: String
        let name: String
        let labels: [String: String]
        let value: Double
    }

    /// The samples as `prometheus_client`'s parser reads them.
    static func parse(_ text: String) throws -> [Sample] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Interop/parse-metrics.py").path
        let (status, lines) = try ProgramRun.run("python3", [script], input: Data(text.utf8))
        guard status == 0 else { throw ArenaTestError("prometheus_client refused the text: \(lines)") }
        return try lines.split(separator: "\n").map { try JSONDecoder().decode(Sample.self, from: Data($0.utf8)) }
    }

    static func value(_ samples: [Sample], _ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    @Test("agents, messages by type, rejections, closes and HTTP requests, parsed by prometheus_client; logs as JSON lines")
    func metrics() async throws {
        let arena = try ArenaProcess(arguments: ["--log-format", "json"])
        let (ada, _) = try await TestClient.agent(arena, name: "Ada")
        let (bob, _) = try await TestClient.agent(arena, name: "Bob")
        ada.thought("hello", taskId: LimitsTests.taskId)
        _ = try await bob.next(type: "PEER_THOUGHT")
        bob.sendRaw("not json")
        _ = try await bob.next(type: "ARENA_ERROR")
        bob.connection.send(bytes: LimitsTests.frame(ofSize: 8193, agent: bob))
        _ = try await bob.closed()
        _ = try await HTTPClient.get(arena.httpURL + "/nowhere")

        let answer = try await HTTPClient.get(arena.httpURL + "/metrics")
        #expect(answer.status == 200 && answer.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let samples = try Self.parse(answer.text)
        #expect(try await eventually { Self.value(try Self.parse(try await HTTPClient.get(arena.httpURL + "/metrics").text), "mowai_arena_agents") == 1 })
        #expect(Self.value(samples, "mowai_arena_messages_received_total", ["type": "AGENT_CONNECT"]) == 2)
        #expect(Self.value(samples, "mowai_arena_messages_received_total", ["type": "AGENT_THOUGHT"]) == 1)
        #expect(Self.value(samples, "mowai_arena_messages_received_total", ["type": "malformed"]) == 1)
        #expect(Self.value(samples, "mowai_arena_messages_sent_total", ["type": "PEER_THOUGHT"]) == 1)
        #expect(Self.value(samples, "mowai_arena_messages_sent_total", ["type": "AGENT_THOUGHT"]) == 2)
        #expect((Self.value(samples, "mowai_arena_sent_bytes_total", ["type": "AGENT_THOUGHT"]) ?? 0) > 0)
        #expect(Self.value(samples, "mowai_arena_frames_rejected_total", ["reason": "malformed"]) == 1)
        #expect(Self.value(samples, "mowai_arena_frames_rejected_total", ["reason": "too_big"]) == 1)
        #expect(Self.value(samples, "mowai_arena_connections_closed_total", ["code": "1009"]) == 1)
        #expect(Self.value(samples, "mowai_arena_http_requests_total", ["path": "other", "status": "404"]) == 1)
        #expect(Self.value(samples, "mowai_arena_http_requests_total", ["path": "/metrics", "status": "200"]) == 1)
        #expect(Self.value(samples, "mowai_arena_backpressure_pauses_total") == 0)

        // Every log line is one JSON object; the agent's name arrives as it was sent, escaped by JSON.
        let lines = arena.log.text.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["level"] is String && object?["source"] as? String == "arena" && object?["time"] is String && object?["message"] is String, "\(line)")
        }
        #expect(lines.contains { $0.contains("Agent connected: Ada") })
    }
}

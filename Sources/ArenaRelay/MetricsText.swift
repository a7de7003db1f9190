import ArenaProtocol

/// `GET /metrics` in Prometheus' text exposition format (version 0.0.4): a HELP and a TYPE line per
/// family, then its samples. Names and labels are documented in docs/METRICS.md.
public enum MetricsText {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public static func render(_ relay: Relay, at now: Moment) -> String {
        let metrics = relay.metrics
        var text = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: [(String, String)], value: Int)]) {
            text += "# HELP mowai_arena_\(name) \(help)\n# TYPE mowai_arena_\(name) \(type)\n"
            for sample in samples {
                let labels = sample.labels.isEmpty ? "" : "{" + sample.labels.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",") + "}"
                text += "mowai_arena_\(name)\(labels) \(sample.value)\n"
            }
        }
        func typeName(_ type: MessageType?) -> String { type?.rawValue ?? "malformed" }
        func traffic(_ counts: [(MessageType?, ArenaMetrics.Traffic)]) -> [(MessageType?, ArenaMetrics.Traffic)] {
            counts.sorted { typeName($0.0) < typeName($1.0) }
        }

        family("uptime_seconds", "gauge", "Seconds since the arena started.", [([], Int(now.milliseconds(since: relay.startedAt) / 1000))])
        family("agents", "gauge", "Agents registered now.", [([], relay.agentCount)])
        family("spectators", "gauge", "Spectators watching now, admins included.", [([], relay.spectatorCount)])
        family("admins", "gauge", "Spectators with admin rights now.", [([], relay.adminCount)])
        family("connections", "gauge", "WebSocket connections open now, registered or not.", [([], relay.connectionCount)])
        family("connections_opened_total", "counter", "WebSocket connections opened.", [([], metrics.connectionsOpened)])
        family("tasks_issued_total", "counter", "Tasks broadcast by the admin.", [([], metrics.tasksIssued)])
        let received = traffic(metrics.received.map { ($0.key, $0.value) })
        family("messages_received_total", "counter", "Messages received, by type (malformed: not an arena message).",
               received.map { ([("type", typeName($0.0))], $0.1.messages) })
        family("received_bytes_total", "counter", "Bytes of the messages received, by type.",
               received.map { ([("type", typeName($0.0))], $0.1.bytes) })
        let sent = traffic(metrics.sent.map { ($0.key, $0.value) })
        family("messages_sent_total", "counter", "Messages sent, by type, once per recipient.",
               sent.map { ([("type", typeName($0.0))], $0.1.messages) })
        family("sent_bytes_total", "counter", "Bytes of the messages sent, by type, once per recipient.",
               sent.map { ([("type", typeName($0.0))], $0.1.bytes) })
        family("frames_rejected_total", "counter", "Frames refused, by reason (malformed, invalid, refused, too_big).",
               ArenaMetrics.Rejection.allCases.map { ([("reason", $0.rawValue)], metrics.rejected[$0] ?? 0) })
        family("connections_closed_total", "counter", "Connections the arena closed, by WebSocket close code.",
               metrics.closedByArena.sorted { $0.key < $1.key }.map { ([("code", String($0.key))], $0.value) })
        family("backpressure_pauses_total", "counter", "Times reading was paused until clients' backlogs drained.", [([], metrics.backpressurePauses)])
        family("slow_clients_dropped_total", "counter", "Clients closed for not reading what they were sent.", [([], metrics.slowClientsDropped)])
        family("http_requests_total", "counter", "HTTP requests, by path (other: any unknown path) and status.",
               metrics.httpRequests.sorted { ($0.key.path, $0.key.status) < ($1.key.path, $1.key.status) }
                   .map { ([("path", $0.key.path), ("status", String($0.key.status))], $0.value) })
        return text
    }

    /// Label values escape backslash, double quote and line feed, as the format requires.
    static func escape(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

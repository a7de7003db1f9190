import ArenaProtocol
import ArenaRelay

/// Operation bytes: 0–3 a frame from connection 1–4 (4 presented the admin secret), 4 a tick after
/// `body[0]` seconds, 5 a close (and a new connection in its place), 6 an HTTP request, 7 a step of
/// the wall clock by ±`body[0]` hours, anything else a frame from connection 1.
enum ArenaRelayFuzz {
    static let secret = "fuzz-admin-secret"

    static func run(_ bytes: [UInt8]) -> [String] {
        var config = RelayConfig()
        config.adminSecret = AdminSecret(secret)
        var now = Moment(wallMs: 1_700_000_000_000, monotonicMs: 1_000)
        var relay = Relay(config: config, startedAt: now, seed: 7)
        var connections = (1...4).map { ConnectionID($0) }
        var problems: [String] = []
        for connection in connections {
            check(relay.handle(.opened(connection, adminSecret: connection.rawValue == 4 ? secret : nil, at: now)), &problems)
        }
        var nextConnection = 5
        for (operation, body) in FuzzChunks.split(bytes) {
            switch operation % 8 {
            case 0...3:
                validate(body)
                check(relay.handle(.received(body, from: connections[Int(operation % 4)], at: now)), &problems)
            case 4:
                now = now + Int64(body.first ?? 30) * 1000
                check(relay.handle(.tick(at: now)), &problems)
            case 5:
                let index = Int(body.first ?? 0) % 4
                check(relay.handle(.closed(connections[index], at: now)), &problems)
                connections[index] = ConnectionID(nextConnection)
                nextConnection += 1
                check(relay.handle(.opened(connections[index], adminSecret: index == 3 ? secret : nil, at: now)), &problems)
            case 6:
                http(body, &relay, at: now, &problems)
            case 7:
                let hours = Int64(Int8(bitPattern: body.first ?? 2))
                now = now.steppingWallClock(by: hours * 3_600_000)
                check(relay.handle(.readingResumed(at: now)), &problems)
            default:
                check(relay.handle(.received(body, from: connections[0], at: now)), &problems)
            }
            if problems.count > 8 { break }
        }
        check(relay.handle(.shutdown(at: now)), &problems)
        return problems
    }

    /// The validation functions on their own, as `mowai arena` and the tests call them.
    private static func validate(_ body: [UInt8]) {
        guard case .success(let message) = ProtocolValidation.parse(body) else { return }
        _ = ProtocolValidation.originalType(of: message)
        if case .success(let envelope) = ProtocolValidation.validateEnvelope(message, lastSeq: 3, now: 1_700_000_000_000) {
            _ = ProtocolValidation.validatePayload(of: envelope.type, in: message)
        }
    }

    private static func http(_ body: [UInt8], _ relay: inout Relay, at now: Moment, _ problems: inout [String]) {
        let paths = ["/health", "/agents", "/task", "/kick", "/clear-tasks", "/", "/agents?x=1", "/%00"]
        let method = (body.first ?? 0) % 2 == 0 ? "GET" : "POST"
        let path = paths[Int(body.dropFirst().first ?? 0) % paths.count]
        let presented = (body.dropFirst(2).first ?? 0) % 2 == 0 ? secret : nil
        let request = HTTPRequest(method: method, path: path, adminSecret: presented, body: Array(body.dropFirst(3)))
        let (response, effects) = HTTPAPI.respond(to: request, relay: &relay, at: now)
        if !(200..<600).contains(response.status) { problems.append("HTTP status \(response.status) for \(method) \(path)") }
        check(effects, &problems)
    }

    /// What the relay sends must be what clients understand: every frame decodes as an arena message.
    private static func check(_ effects: [RelayEffect], _ problems: inout [String]) {
        for case .send(let frame, _) in effects {
            switch ArenaMessage(frame: frame) {
            case .malformed(let why):
                problems.append("the relay sent a frame its clients refuse: \(why)")
            case .unknown(let type):
                problems.append("the relay sent a message of unknown type \(type)")
            default:
                break
            }
        }
    }
}

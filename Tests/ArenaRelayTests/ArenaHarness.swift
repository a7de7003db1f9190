import ArenaProtocol
import ArenaRelay
import Testing

/// A relay with a hand-driven clock: tests open connections, send frames, move time and read the effects.
struct ArenaHarness {
    static let start: Int64 = 1_700_000_000_000
    static let seed: UInt64 = 2024

    var relay: Relay
    /// The clocks every event carries; only `advance` and `stepWallClock` move them.
    private(set) var moment = Moment(integerLiteral: start)
    /// The wall clock, which stamps `ts` on what the relay builds.
    var now: Int64 { moment.wallMs }
    private var nextConnection = 1
    private var nextAgentNumber = 1
    private var lastSeq: [ConnectionID: Int] = [:]

    init(adminSecret: String? = nil, configure: (inout RelayConfig) -> Void = { _ in }) {
        var config = RelayConfig()
        config.adminSecret = adminSecret.flatMap(AdminSecret.init)
        configure(&config)
        relay = Relay(config: config, startedAt: Moment(integerLiteral: Self.start), seed: Self.seed)
    }

    mutating func advance(byMs milliseconds: Int64) { moment = moment + milliseconds }

    /// Someone set the system clock (NTP, an operator): only the wall clock jumps.
    mutating func stepWallClock(byMs milliseconds: Int64) { moment = moment.steppingWallClock(by: milliseconds) }

    // MARK: Events

    /// A socket finished its handshake, carrying `X-Admin-Secret: adminSecret` if given.
    mutating func open(adminSecret: String? = nil) -> ConnectionID {
        let connection = ConnectionID(nextConnection)
        nextConnection += 1
        let effects = relay.handle(.opened(connection, adminSecret: adminSecret, at: moment))
        #expect(effects.isEmpty)
        return connection
    }

    mutating func receive(_ text: String, from connection: ConnectionID) -> [RelayEffect] {
        relay.handle(.received(Array(text.utf8), from: connection, at: moment))
    }

    mutating func receive(_ message: JSONValue, from connection: ConnectionID) -> [RelayEffect] {
        relay.handle(.received(JSONCodec.encode(message), from: connection, at: moment))
    }

    mutating func close(_ connection: ConnectionID) -> [RelayEffect] {
        relay.handle(.closed(connection, at: moment))
    }

    mutating func tick() -> [RelayEffect] { relay.handle(.tick(at: moment)) }

    mutating func shutdown() -> [RelayEffect] { relay.handle(.shutdown(at: moment)) }

    mutating func http(_ method: String, _ path: String, secret: String? = nil, body: String = "") -> (status: Int, body: JSONValue?, effects: [RelayEffect]) {
        http(method, path, secret: secret, bytes: Array(body.utf8))
    }

    mutating func http(_ method: String, _ path: String, secret: String? = nil, bytes: [UInt8]) -> (status: Int, body: JSONValue?, effects: [RelayEffect]) {
        let request = HTTPRequest(method: method, path: path, adminSecret: secret, body: bytes)
        let (response, effects) = HTTPAPI.respond(to: request, relay: &relay, at: moment)
        return (response.status, try? JSONCodec.decodeObject(response.body), effects)
    }

    // MARK: Agents

    struct Agent {
        let connection: ConnectionID
        let id: String
        let name: String
    }

    /// A fresh agentId: UUID v4, numbered so failures are easy to read.
    mutating func makeAgentId() -> String {
        defer { nextAgentNumber += 1 }
        let digits = String(nextAgentNumber)
        return "a9e00000-0000-4000-8000-" + String(repeating: "0", count: 12 - digits.count) + digits
    }

    /// An agent frame with the next seq of its connection and the current time, unless told otherwise.
    mutating func frame(
        _ type: String, payload: JSONValue, on connection: ConnectionID, agentId: String,
        seq: Int? = nil, ts: Int64? = nil
    ) -> JSONValue {
        let seq = seq ?? (lastSeq[connection].map { $0 + 1 } ?? 0)
        lastSeq[connection] = max(seq, lastSeq[connection] ?? seq)
        return .object([
            "type": .string(type), "agentId": .string(agentId), "slot": 0, "seq": .number(Double(seq)),
            "ts": .number(Double(ts ?? now)), "payload": payload,
        ])
    }

    static func connectPayload(name: String) -> JSONValue {
        ["name": .string(name), "color": "#3366ff", "persona": "tester", "version": "1.0.0"]
    }

    /// Opens a socket and sends AGENT_CONNECT; returns the connection's effects too.
    mutating func connect(_ name: String, id: String? = nil, seq: Int = 0) -> (agent: Agent, effects: [RelayEffect]) {
        let connection = open()
        let agentId = id ?? makeAgentId()
        let connect = frame("AGENT_CONNECT", payload: Self.connectPayload(name: name), on: connection, agentId: agentId, seq: seq)
        let effects = receive(connect, from: connection)
        return (Agent(connection: connection, id: agentId, name: name), effects)
    }

    /// Connects an agent and checks that it was acknowledged.
    mutating func connectAgent(_ name: String, id: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) -> Agent {
        let (agent, effects) = connect(name, id: id)
        #expect(effects.messages(to: agent.connection).first?.type == "ARENA_ACK", sourceLocation: sourceLocation)
        return agent
    }

    mutating func send(_ type: String, payload: JSONValue, from agent: Agent, seq: Int? = nil, ts: Int64? = nil, agentId: String? = nil) -> [RelayEffect] {
        let message = frame(type, payload: payload, on: agent.connection, agentId: agentId ?? agent.id, seq: seq, ts: ts)
        return receive(message, from: agent.connection)
    }

    mutating func think(_ content: String, step: Int = 1, task: String = sampleTaskId, from agent: Agent, seq: Int? = nil) -> [RelayEffect] {
        send("AGENT_THOUGHT", payload: ["taskId": .string(task), "step": .number(Double(step)), "content": .string(content)], from: agent, seq: seq)
    }

    mutating func respond(_ content: String, task: String = sampleTaskId, from agent: Agent) -> [RelayEffect] {
        send("AGENT_RESPONSE", payload: ["taskId": .string(task), "content": .string(content), "durationMs": 250], from: agent)
    }

    /// A message the relay counts as an error (a thought with step 0).
    mutating func sendInvalid(from agent: Agent) -> [RelayEffect] {
        think("bad step", step: 0, from: agent)
    }

    // MARK: Spectators

    /// Opens a socket and sends SPECTATE; returns the connection and its ARENA_SNAPSHOT payload.
    mutating func spectate(adminSecret: String? = nil, history: Int? = nil) -> (connection: ConnectionID, snapshot: JSONValue, effects: [RelayEffect]) {
        let connection = open(adminSecret: adminSecret)
        var message: JSONObject = ["type": "SPECTATE"]
        if let history { message["payload"] = ["history": .number(Double(history))] }
        let effects = receive(.object(message), from: connection)
        let snapshot = effects.messages(to: connection).first { $0.type == "ARENA_SNAPSHOT" }
        return (connection, snapshot?["payload"] ?? .null, effects)
    }

    /// What `UUIDv4.make` draws for the relay's n-th task (1-based), given the harness's seed.
    static func expectedTaskId(_ n: Int) -> String {
        var random = SplitMix64(seed: seed)
        var id = ""
        for _ in 0..<n { id = UUIDv4.make(using: &random) }
        return id
    }
}

let sampleTaskId = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"

// MARK: Reading effects

struct Closing: Equatable, CustomStringConvertible {
    let connection: ConnectionID
    let code: UInt16
    let reason: String
    var description: String { "close \(connection) \(code) \"\(reason)\"" }
}

extension [RelayEffect] {
    /// The effects a client could observe: sends and closes, without the log lines.
    var withoutLogs: [RelayEffect] {
        filter { if case .log = $0 { return false } else { return true } }
    }

    var logs: [String] {
        compactMap { if case .log(_, let line) = $0 { return line } else { return nil } }
    }

    /// Every message sent to `connection`, decoded, in order.
    func messages(to connection: ConnectionID) -> [JSONValue] {
        compactMap { effect in
            guard case .send(let bytes, let recipients) = effect, recipients.contains(connection) else { return nil }
            return try? JSONCodec.decodeObject(bytes)
        }
    }

    /// The raw bytes of every message sent to `connection`, in order.
    func bytes(to connection: ConnectionID) -> [[UInt8]] {
        compactMap { effect in
            guard case .send(let bytes, let recipients) = effect, recipients.contains(connection) else { return nil }
            return bytes
        }
    }

    func types(to connection: ConnectionID) -> [String] {
        messages(to: connection).compactMap(\.type)
    }

    var closes: [Closing] {
        compactMap { effect in
            guard case .close(let connection, let code, let reason) = effect else { return nil }
            return Closing(connection: connection, code: code.rawValue, reason: reason)
        }
    }

    /// Everybody who received anything.
    var recipients: Set<ConnectionID> {
        Set(flatMap { effect -> [ConnectionID] in
            if case .send(_, let recipients) = effect { return recipients }
            return []
        })
    }
}

extension JSONValue {
    var type: String? { self["type"]?.stringValue }
    var payload: JSONValue? { self["payload"] }
    var reason: String? { self["payload"]?["reason"]?.stringValue }
    /// The keys of an object, for checking that a message carries nothing more.
    var keys: Set<String> { Set(objectValue?.keys ?? [:].keys) }
}


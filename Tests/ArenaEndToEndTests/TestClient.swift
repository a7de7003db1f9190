import ArenaProtocol
import Foundation
import Synchronization
import WebSocketClient
import EndToEndSupport

/// A WebSocket client for tests: collects everything it receives so tests can wait for messages.
final class TestClient: Sendable {
    let connection: WebSocketConnection
    let agentId: String
    private let log = EventLog()
    private let cursor = Mutex(0)
    private let seq = Mutex(0)

    init(_ connection: WebSocketConnection, agentId: String) {
        self.connection = connection
        self.agentId = agentId
        Task { [log] in
            for await event in connection.events {
                log.events.withLock { $0.append(event) }
            }
        }
    }

    static func connect(to arena: ArenaProcess, headers: [(name: String, value: String)] = []) async throws -> TestClient {
        let connection = try await WebSocketConnection.connect(to: arena.webSocketURL, options: WebSocketOptions(headers: headers))
        var generator = SystemRandomNumberGenerator()
        return TestClient(connection, agentId: UUIDv4.make(using: &generator))
    }

    /// Connects and registers as an agent; returns once ARENA_ACK has arrived.
    static func agent(_ arena: ArenaProcess, name: String = "agent", persona: String = "pragmatist") async throws -> (TestClient, JSONObject) {
        let client = try await connect(to: arena)
        client.send(type: "AGENT_CONNECT", payload: ["name": .string(name), "color": .string("#e8a838"),
                                                     "persona": .string(persona), "version": .string("1.0.0")])
        let ack = try await client.next(type: "ARENA_ACK")
        return (client, ack)
    }

    static func spectator(_ arena: ArenaProcess, headers: [(name: String, value: String)] = []) async throws -> (TestClient, JSONObject) {
        let client = try await connect(to: arena, headers: headers)
        client.sendJSON(["type": .string("SPECTATE"), "ts": .number(Self.now()), "payload": .object([:])])
        let snapshot = try await client.next(type: "ARENA_SNAPSHOT")
        return (client, snapshot)
    }

    static func now() -> Double { (Date().timeIntervalSince1970 * 1000).rounded() }

    /// An envelope from this agent with the next seq and the current time.
    func send(type: String, payload: JSONObject, agentId: String? = nil, ts: Double? = nil) {
        let next = seq.withLock { value -> Int in
            defer { value += 1 }
            return value
        }
        sendJSON([
            "type": .string(type), "agentId": .string(agentId ?? self.agentId), "slot": .number(0),
            "seq": .number(Double(next)), "ts": .number(ts ?? Self.now()), "payload": .object(payload),
        ])
    }

    func sendJSON(_ object: JSONObject) {
        connection.send(bytes: JSONCodec.encode(JSONValue.object(object)))
    }

    func sendRaw(_ text: String) { connection.send(text) }

    func thought(_ content: String, taskId: String, step: Int = 1) {
        send(type: "AGENT_THOUGHT", payload: ["taskId": .string(taskId), "step": .number(Double(step)), "content": .string(content)])
    }

    /// The next message not yet consumed, waiting up to `seconds`.
    func next(within seconds: Double = 5) async throws -> JSONObject {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let event = log.events.withLock { events -> WebSocketEvent? in
                cursor.withLock { position in
                    guard position < events.count else { return nil }
                    defer { position += 1 }
                    return events[position]
                }
            }
            switch event {
            case .message(let bytes, _)?:
                guard case .object(let object) = try JSONCodec.decodeObject(bytes) else {
                    throw ArenaTestError("not a JSON object: \(String(decoding: bytes, as: UTF8.self))")
                }
                return object
            case .closed(let code, let reason)?:
                throw ArenaTestError("closed (\(code) \(reason)) while waiting for a message")
            case nil:
                try await Task.sleep(nanoseconds: 2_000_000)
            }
        }
        throw ArenaTestError("no message within \(seconds) s")
    }

    /// Skips messages until one of `type` arrives (PINGs and others in between are dropped).
    func next(type: String, within seconds: Double = 5) async throws -> JSONObject {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let message = try await next(within: max(0.01, deadline.timeIntervalSinceNow))
            if message["type"]?.stringValue == type { return message }
        }
    }

    /// Waits for the connection to close; returns the close code and reason. Messages before it are skipped.
    func closed(within seconds: Double = 5) async throws -> (code: UInt16, reason: String) {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let close = log.events.withLock { events -> (UInt16, String)? in
                for event in events { if case .closed(let code, let reason) = event { return (code, reason) } }
                return nil
            }
            if let close { return close }
            try await Task.sleep(nanoseconds: 2_000_000)
        }
        throw ArenaTestError("still open after \(seconds) s")
    }

    /// All messages received so far (consumed or not).
    var messages: [JSONObject] {
        log.events.withLock { events in
            events.compactMap { event in
                if case .message(let bytes, _) = event, case .object(let object)? = try? JSONCodec.decodeObject(bytes) {
                    return object
                }
                return nil
            }
        }
    }

    var isClosed: Bool {
        log.events.withLock { $0.contains { if case .closed = $0 { return true } else { return false } } }
    }

    func close() { connection.close() }
}

/// Everything a connection reported, shared between the reading task and the test.
final class EventLog: Sendable {
    let events = Mutex<[WebSocketEvent]>([])
}

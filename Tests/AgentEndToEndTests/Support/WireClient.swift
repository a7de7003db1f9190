import ArenaProtocol
import EndToEndSupport
import Foundation
import Synchronization
import WebSocketClient

/// What the arena sends to a plain WebSocket client: an agent of our own (it registers with
/// AGENT_CONNECT itself) or a spectator. Everything received is kept, so tests look for a message
/// whenever it came.
final class WireClient: Sendable {
    let connection: WebSocketConnection
    let agentId: String
    private let received = Collected<WebSocketEvent>()
    private let seq = Mutex(0)

    private init(_ connection: WebSocketConnection) {
        self.connection = connection
        var generator = SystemRandomNumberGenerator()
        agentId = UUIDv4.make(using: &generator)
        let received = self.received
        Task {
            for await event in connection.events {
                received.append(event)
                // The arena closes clients that stay silent for 90 s; a slow test must not lose its observer.
                if case .message(let bytes, _) = event, case .object(let object)? = try? JSONCodec.decodeObject(bytes),
                   object["type"]?.stringValue == "PING" {
                    connection.send(bytes: JSONCodec.encode(JSONValue.object(["type": "PONG", "ts": .number(Self.now())])))
                }
            }
        }
    }

    /// An agent that registers and returns once ARENA_ACK has arrived.
    static func agent(_ url: String, name: String = "observer") async throws -> WireClient {
        let client = WireClient(try await WebSocketConnection.connect(to: url))
        client.send(type: "AGENT_CONNECT", payload: ["name": .string(name), "color": "#61afef",
                                                     "persona": "observer", "version": "1.0.0"])
        try await client.message("ARENA_ACK")
        return client
    }

    /// A spectator: every thought and response, AGENT_JOIN and AGENT_DISCONNECT.
    static func spectator(_ url: String) async throws -> WireClient {
        let client = WireClient(try await WebSocketConnection.connect(to: url))
        client.connection.send(bytes: JSONCodec.encode(JSONValue.object(["type": "SPECTATE", "payload": .object([:])])))
        try await client.message("ARENA_SNAPSHOT")
        return client
    }

    static func now() -> Double { (Date().timeIntervalSince1970 * 1000).rounded() }

    /// An envelope from this agent with the next seq.
    func send(type: String, payload: JSONObject) {
        let next = seq.withLock { value -> Int in
            defer { value += 1 }
            return value
        }
        let envelope: JSONObject = ["type": .string(type), "agentId": .string(agentId), "slot": 0, "seq": .number(Double(next)),
                                    "ts": .number(Self.now()), "payload": .object(payload)]
        connection.send(bytes: JSONCodec.encode(JSONValue.object(envelope)))
    }

    func thought(_ content: String, taskId: String, step: Int = 1) {
        send(type: "AGENT_THOUGHT", payload: ["taskId": .string(taskId), "step": .number(Double(step)), "content": .string(content)])
    }

    /// Every message received so far.
    var messages: [JSONObject] {
        received.all.compactMap { event in
            guard case .message(let bytes, _) = event, case .object(let object)? = try? JSONCodec.decodeObject(bytes) else { return nil }
            return object
        }
    }

    /// The messages of `type` so far that match `predicate`.
    func messages(_ type: String, where predicate: (JSONObject) -> Bool = { _ in true }) -> [JSONObject] {
        messages.filter { $0["type"]?.stringValue == type && predicate($0) }
    }

    /// Waits until `count` messages of `type` match; returns the last of them.
    @discardableResult
    func message(_ type: String, count: Int = 1, within seconds: Double = 15,
                 where predicate: (JSONObject) -> Bool = { _ in true }) async throws -> JSONObject {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let found = messages(type, where: predicate)
            if found.count >= count { return found[count - 1] }
            if let close = closed {
                throw ArenaTestError("the connection closed (\(close.code) \(close.reason)) while waiting for \(type)")
            }
            guard Date() < deadline else {
                let seen = messages.compactMap { $0["type"]?.stringValue }.joined(separator: ", ")
                throw ArenaTestError("waited \(seconds) s for \(count) \(type); received: \(seen)")
            }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
    }

    var closed: (code: UInt16, reason: String)? {
        for case .closed(let code, let reason) in received.all { return (code, reason) }
        return nil
    }

    func close() { connection.close() }
}

extension JSONObject {
    var payload: JSONObject { self["payload"]?.objectValue ?? [:] }
    /// The envelope's agentId: whose message it is.
    var sender: String? { self["agentId"]?.stringValue }
}

import ArenaProtocol
import Foundation
import Synchronization
import WebSocketClient

/// An agent on a real WebSocket, scripted by the test: it registers, sends what it is told, and keeps
/// everything it receives so the test can wait for a message.
final class ScriptedAgent: Sendable {
    let connection: WebSocketConnection
    let agentId: String
    private let received = ReceivedEvents()
    private let seq = Mutex(0)

    private init(_ connection: WebSocketConnection) {
        self.connection = connection
        var generator = SystemRandomNumberGenerator()
        agentId = UUIDv4.make(using: &generator)
        Task { [received] in
            for await event in connection.events { received.events.withLock { $0.append(event) } }
        }
    }

    /// Connects to `url`, sends AGENT_CONNECT and returns once ARENA_ACK has arrived.
    static func join(_ url: String, name: String, persona: String = "pragmatist") async throws -> ScriptedAgent {
        let agent = ScriptedAgent(try await WebSocketConnection.connect(to: url))
        agent.send(type: "AGENT_CONNECT", payload: ["name": .string(name), "color": .string("#e8a838"),
                                                    "persona": .string(persona), "version": .string("1.0.0")])
        _ = try await agent.message(ofType: "ARENA_ACK")
        return agent
    }

    /// An envelope from this agent with the next seq and the current time.
    func send(type: String, payload: JSONObject) {
        let next = seq.withLock { value -> Int in
            defer { value += 1 }
            return value
        }
        let envelope: JSONObject = [
            "type": .string(type), "agentId": .string(agentId), "slot": .number(0),
            "seq": .number(Double(next)), "ts": .number((Date().timeIntervalSince1970 * 1000).rounded()),
            "payload": .object(payload),
        ]
        connection.send(bytes: JSONCodec.encode(JSONValue.object(envelope)))
    }

    func thought(_ content: String, taskId: String, step: Int = 1) {
        send(type: "AGENT_THOUGHT", payload: ["taskId": .string(taskId), "step": .number(Double(step)),
                                              "content": .string(content)])
    }

    func response(_ content: String, taskId: String) {
        send(type: "AGENT_RESPONSE", payload: ["taskId": .string(taskId), "content": .string(content),
                                               "durationMs": .number(0)])
    }

    /// The first message of `type` received so far or within `seconds`.
    func message(ofType type: String, within seconds: Double = 10) async throws -> JSONObject {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let (found, closed) = received.events.withLock { events -> (JSONObject?, WebSocketEvent?) in
                for event in events {
                    if case .message(let bytes, _) = event, case .object(let object)? = try? JSONCodec.decodeObject(bytes),
                       object["type"]?.stringValue == type {
                        return (object, nil)
                    }
                }
                return (nil, events.last { if case .closed = $0 { true } else { false } })
            }
            if let found { return found }
            if let closed { throw ConsoleTestError("the agent's connection ended (\(closed)) while waiting for \(type)") }
            guard Date() < deadline else { throw ConsoleTestError("no \(type) within \(seconds) s") }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
    }

    func close() { connection.close() }
}

/// Everything a connection reported, shared between the reading task and the test.
final class ReceivedEvents: Sendable {
    let events = Mutex<[WebSocketEvent]>([])
}

import ArenaProtocol
import Testing
import EndToEndSupport

@Suite("Connecting to the real arena")
struct HandshakeTests {
    @Test("AGENT_CONNECT gets ARENA_ACK with slot, peers and version; slots are never reused")
    func acknowledge() async throws {
        let arena = try ArenaProcess()
        let (first, firstAck) = try await TestClient.agent(arena, name: "one")
        #expect(firstAck["payload"] == .object(["slot": .number(0), "connectedPeers": .number(1), "arenaVersion": .string("0.1.0")]))
        #expect(firstAck["agentId"] == .string("00000000-0000-4000-8000-000000000000"))
        first.close()
        _ = try await first.closed()
        let (_, secondAck) = try await TestClient.agent(arena, name: "two")
        #expect(secondAck["payload"]?["slot"] == .number(1))
        #expect(secondAck["payload"]?["connectedPeers"] == .number(1))
    }

    @Test("PING before connecting gets PONG; anything else is a protocol violation")
    func firstMessageRules() async throws {
        let arena = try ArenaProcess()
        let client = try await TestClient.connect(to: arena)
        client.sendJSON(["type": .string("PING"), "ts": .number(TestClient.now())])
        #expect(try await client.next()["type"] == .string("PONG"))

        client.thought("too early", taskId: "6f1c7a8e-2b1d-4c3e-9f00-123456789abc")
        let error = try await client.next()
        #expect(error == ["type": .string("ARENA_ERROR"), "payload": .object(["reason": .string("First message must be AGENT_CONNECT")])])
        let close = try await client.closed()
        #expect(close.code == 1008)
        #expect(close.reason == "Protocol violation")
    }

    @Test("an invalid AGENT_CONNECT is refused with its reason, in the frame and the close")
    func invalidConnect() async throws {
        let arena = try ArenaProcess()
        let client = try await TestClient.connect(to: arena)
        client.send(type: "AGENT_CONNECT", payload: ["name": .string(String(repeating: "n", count: 65)), "color": .string(""),
                                                     "persona": .string(""), "version": .string("")])
        let error = try await client.next()
        #expect(error["payload"]?["reason"] == .string("AGENT_CONNECT: name missing or too long (max 64)"))
        let close = try await client.closed()
        #expect(close == (1008, "AGENT_CONNECT: name missing or too long (max 64)"))
    }

    @Test("a second connection with a live agentId is refused; the live agent is untouched")
    func duplicateAgentId() async throws {
        let arena = try ArenaProcess()
        let (live, _) = try await TestClient.agent(arena, name: "live")
        let impostor = try await TestClient.connect(to: arena)
        impostor.send(type: "AGENT_CONNECT", payload: ["name": .string("impostor"), "color": .string(""), "persona": .string(""), "version": .string("")],
                      agentId: live.agentId)
        let error = try await impostor.next()
        #expect(error["payload"]?["reason"]?.stringValue?.hasPrefix("Duplicate agentId") == true)
        #expect(try await impostor.closed().code == 1008)

        // The live agent still works: its thought comes back as the echo.
        live.thought("still here", taskId: "6f1c7a8e-2b1d-4c3e-9f00-123456789abc")
        let echo = try await live.next(type: "AGENT_THOUGHT")
        #expect(echo["payload"]?["content"] == .string("still here"))
        #expect(!live.isClosed)
    }
}

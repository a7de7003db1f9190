import ArenaProtocol
import Testing
import EndToEndSupport

@Suite("Limits of the real arena")
struct LimitsTests {
    static let taskId = "6f1c7a8e-2b1d-4c3e-9f00-123456789abc"

    /// A frame of exactly `size` bytes: valid JSON padded with spaces (JSON allows any amount).
    static func frame(ofSize size: Int, agent: TestClient) -> [UInt8] {
        let json = #"{"type":"PING","ts":\#(Int(TestClient.now()))}"#
        return Array(json.utf8) + [UInt8](repeating: UInt8(ascii: " "), count: size - json.utf8.count)
    }

    @Test("a frame of exactly 8192 bytes is read; 8193 bytes close the socket with 1009")
    func frameSize() async throws {
        let arena = try ArenaProcess()
        let (agent, _) = try await TestClient.agent(arena)
        agent.connection.send(bytes: Self.frame(ofSize: 8192, agent: agent))
        #expect(try await agent.next(type: "PONG")["type"] == .string("PONG"))

        let (other, _) = try await TestClient.agent(arena, name: "other")
        agent.connection.send(bytes: Self.frame(ofSize: 8193, agent: agent))
        #expect(try await agent.closed().code == 1009)
        // The others never notice, beyond the departure.
        #expect(try await other.next(type: "AGENT_DISCONNECT")["agentId"] == .string(agent.agentId))
        #expect(!other.isClosed)
    }

    @Test("binary frames carrying JSON are accepted like text")
    func binaryFrames() async throws {
        let arena = try ArenaProcess()
        let (agent, _) = try await TestClient.agent(arena)
        agent.connection.send(bytes: Array(#"{"type":"PING","ts":1}"#.utf8), isBinary: true)
        #expect(try await agent.next(type: "PONG")["type"] == .string("PONG"))
    }

    @Test("malformed JSON gets a bare error and keeps the socket; more than 10 counted errors close it")
    func errors() async throws {
        let arena = try ArenaProcess()
        let (agent, _) = try await TestClient.agent(arena)
        for _ in 0..<15 { agent.sendRaw("{not json") }
        for _ in 0..<15 {
            #expect(try await agent.next() == ["type": .string("ARENA_ERROR"), "payload": .object(["reason": .string("Malformed JSON")])])
        }
        #expect(!agent.isClosed)

        for _ in 0..<11 {
            agent.send(type: "AGENT_THOUGHT", payload: ["taskId": .string(Self.taskId), "step": .number(0), "content": .string("x")])
        }
        for _ in 0..<11 {
            let error = try await agent.next()
            #expect(error["payload"]?["reason"] == .string("AGENT_THOUGHT: step must be a positive integer"))
            #expect(error["payload"]?["targetAgentId"] == .string(agent.agentId))
        }
        let close = try await agent.closed()
        #expect(close.code == 1008)
        #expect(close.reason == "Error rate exceeded (11 errors in 60s)")
    }

    @Test("50 agents at once each see all 50 thoughts")
    func fiftyAgents() async throws {
        let arena = try ArenaProcess()
        var agents: [TestClient] = []
        for index in 0..<50 {
            agents.append(try await TestClient.agent(arena, name: "agent-\(index)").0)
        }
        for agent in agents { agent.thought("hello from \(agent.agentId)", taskId: Self.taskId) }
        for agent in agents {
            #expect(try await eventually(within: 10) {
                agent.messages.filter { $0["type"] == .string("AGENT_THOUGHT") }.count == 50
            })
            let peers = agent.messages.filter { $0["type"] == .string("PEER_THOUGHT") }
            #expect(peers.count == 49)
            #expect(!peers.contains { $0["payload"]?["sourceAgentId"] == .string(agent.agentId) })
        }
    }
}

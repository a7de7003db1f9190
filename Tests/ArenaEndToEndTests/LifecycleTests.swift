import ArenaProtocol
import Foundation
import HTTPClient
import Testing
import EndToEndSupport

@Suite("Keepalive, idle timeout and shutdown of the real arena")
struct LifecycleTests {
    @Test("registered agents get PINGs; a silent one is closed with 1001 Idle timeout")
    func keepaliveAndIdle() async throws {
        // The idle timeout leaves a loaded CI machine time to register the agent first.
        let arena = try ArenaProcess(arguments: ["--keepalive-interval", "100", "--idle-timeout", "1500"])
        let (agent, _) = try await TestClient.agent(arena)
        let ping = try await agent.next(type: "PING", within: 3)
        #expect(ping["ts"]?.numberValue != nil)
        let close = try await agent.closed(within: 5)
        #expect(close == (1001, "Idle timeout"))
    }

    @Test("an agent that answers is never idle")
    func answeringAgentStays() async throws {
        // Thirty PINGs per idle timeout: a starved CI machine gets 3 s of slack; the test still outlives it.
        let arena = try ArenaProcess(arguments: ["--keepalive-interval", "100", "--idle-timeout", "3000"])
        let (agent, _) = try await TestClient.agent(arena)
        let start = Date()
        while Date().timeIntervalSince(start) < 3.5 {
            _ = try await agent.next(type: "PING", within: 2)
            agent.sendJSON(["type": .string("PONG"), "ts": .number(TestClient.now())])
        }
        #expect(!agent.isClosed)
    }

    @Test("SIGTERM closes every client with 1001 and exits 0")
    func gracefulShutdown() async throws {
        let arena = try ArenaProcess()
        let (agent, _) = try await TestClient.agent(arena)
        let (watcher, _) = try await TestClient.spectator(arena)
        #expect(arena.terminate() == 0)
        #expect(try await agent.closed().code == 1001)
        #expect(try await watcher.closed().code == 1001)
    }
}

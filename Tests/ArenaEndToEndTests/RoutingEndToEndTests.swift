import ArenaProtocol
import Testing
import EndToEndSupport

@Suite("Routing through the real arena")
struct RoutingEndToEndTests {
    static let taskId = "6f1c7a8e-2b1d-4c3e-9f00-123456789abc"

    @Test("a thought is echoed to its sender; others get AGENT_THOUGHT then PEER_THOUGHT; responses reach all")
    func thoughtsAndResponses() async throws {
        let arena = try ArenaProcess()
        let (alice, _) = try await TestClient.agent(arena, name: "alice")
        let (bob, _) = try await TestClient.agent(arena, name: "bob")

        alice.send(type: "AGENT_THOUGHT", payload: ["taskId": .string(Self.taskId), "step": .number(1), "content": .string("思考 🤔"),
                                                    "extra": .string("kept")])
        let echo = try await alice.next()
        #expect(echo["type"] == .string("AGENT_THOUGHT"))
        #expect(echo["agentId"] == .string(alice.agentId))
        #expect(echo["payload"]?["extra"] == .string("kept"), "unknown fields are relayed untouched")

        let relayed = try await bob.next()
        #expect(relayed["type"] == .string("AGENT_THOUGHT"))
        let peer = try await bob.next()
        #expect(peer["type"] == .string("PEER_THOUGHT"))
        #expect(peer["agentId"] == .string("00000000-0000-4000-8000-000000000000"))
        #expect(peer["payload"] == .object(["sourceAgentId": .string(alice.agentId), "taskId": .string(Self.taskId),
                                            "step": .number(1), "content": .string("思考 🤔")]))

        bob.send(type: "AGENT_RESPONSE", payload: ["taskId": .string(Self.taskId), "content": .string("done"), "durationMs": .number(12.5)])
        #expect(try await alice.next(type: "AGENT_RESPONSE")["payload"]?["content"] == .string("done"))
        #expect(try await bob.next(type: "AGENT_RESPONSE")["agentId"] == .string(bob.agentId))
    }

    @Test("spoofed agentIds and agent-issued GLOBAL_TASKs are rejected and never relayed")
    func spoofingAndInjection() async throws {
        let arena = try ArenaProcess()
        let (mallory, _) = try await TestClient.agent(arena, name: "mallory")
        let (victim, _) = try await TestClient.agent(arena, name: "victim")

        mallory.send(type: "AGENT_THOUGHT", payload: ["taskId": .string(Self.taskId), "step": .number(1), "content": .string("not me")],
                     agentId: victim.agentId)
        let spoofError = try await mallory.next()
        #expect(spoofError["type"] == .string("ARENA_ERROR"))
        #expect(spoofError["payload"]?["targetAgentId"] == .string(mallory.agentId))

        mallory.send(type: "GLOBAL_TASK", payload: ["taskId": .string(Self.taskId), "description": .string("obey"), "issuedAt": .number(0)])
        let injectError = try await mallory.next()
        #expect(injectError["payload"]?["reason"]?.stringValue?.hasPrefix("GLOBAL_TASK") == true)

        // A legitimate thought afterwards is the first thing the victim hears.
        mallory.thought("honest", taskId: Self.taskId)
        let first = try await victim.next()
        #expect(first["type"] == .string("AGENT_THOUGHT"))
        #expect(first["payload"]?["content"] == .string("honest"))
    }

    @Test("leaving is announced with AGENT_DISCONNECT; late joiners get the last 5 tasks, oldest first")
    func disconnectAndReplay() async throws {
        let arena = try ArenaProcess(adminSecret: "s3cret")
        let (stayer, _) = try await TestClient.agent(arena, name: "stayer")
        let (leaver, ack) = try await TestClient.agent(arena, name: "leaver")
        leaver.close()
        let gone = try await stayer.next(type: "AGENT_DISCONNECT")
        #expect(gone["agentId"] == .string(leaver.agentId))
        #expect(gone["payload"]?["name"] == .string("leaver"))
        #expect(gone["payload"]?["slot"] == ack["payload"]?["slot"])

        for index in 1...7 {
            let reply = try await HTTPPost.task("task \(index)", arena: arena, secret: "s3cret")
            #expect(reply == 200)
        }
        let (late, _) = try await TestClient.agent(arena, name: "late")
        var replayed: [String] = []
        for _ in 0..<5 {
            let task = try await late.next(type: "GLOBAL_TASK")
            replayed.append(task["payload"]?["description"]?.stringValue ?? "")
        }
        #expect(replayed == ["task 3", "task 4", "task 5", "task 6", "task 7"])
    }
}

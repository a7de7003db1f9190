import ArenaProtocol
import ArenaRelay
import Testing

@Suite("Admin over the socket (our extension)")
struct AdminTests {
    static let secret = "open sesame"

    @Test("The X-Admin-Secret header makes a spectator an admin")
    func headerSecret() {
        var arena = ArenaHarness(adminSecret: Self.secret)
        let (_, snapshot, effects) = arena.spectate(adminSecret: Self.secret)
        #expect(snapshot["admin"] == true)
        #expect(effects.withoutLogs.count == 1)
    }

    @Test("A wrong header secret gives a plain spectator and a counted error")
    func wrongHeaderSecret() {
        var arena = ArenaHarness(adminSecret: Self.secret)
        let (watcher, snapshot, effects) = arena.spectate(adminSecret: "open sesame!")
        #expect(snapshot["admin"] == false)
        #expect(effects.types(to: watcher) == ["ARENA_SNAPSHOT", "ARENA_ERROR"])
        #expect(effects.messages(to: watcher).last == ["type": "ARENA_ERROR", "payload": ["reason": "Admin authentication failed: wrong secret"]])
        let task = arena.receive(["type": "ADMIN_TASK", "payload": ["description": "x"]], from: watcher)
        #expect(task.messages(to: watcher).map(\.reason) == ["ADMIN_TASK: not authenticated; send ADMIN_AUTH with the admin secret first"])
    }

    @Test("ADMIN_AUTH with the secret makes a spectator an admin")
    func authFrame() {
        var arena = ArenaHarness(adminSecret: Self.secret)
        let watcher = arena.spectate().connection
        let effects = arena.receive(["type": "ADMIN_AUTH", "payload": ["secret": .string(Self.secret)]], from: watcher)
        #expect(effects.messages(to: watcher).map(\.type) == ["ADMIN_RESULT"])
        #expect(effects.messages(to: watcher).first?.payload == ["action": "auth", "ok": true])
        let task = arena.receive(["type": "ADMIN_TASK", "payload": ["description": "Go"]], from: watcher)
        #expect(task.messages(to: watcher).last?.payload?["ok"] == true)
    }

    @Test("Wrong secrets are counted: guessing closes the socket after ten", arguments: [
        ["secret": "guess"], ["secret": ""], ["secret": 42], [:],
    ] as [JSONValue])
    func wrongAuthFrames(payload: JSONValue) {
        var arena = ArenaHarness(adminSecret: Self.secret)
        let watcher = arena.spectate().connection
        for _ in 1...10 {
            let effects = arena.receive(["type": "ADMIN_AUTH", "payload": payload], from: watcher)
            #expect(effects.withoutLogs == [.send(ServerMessages.bareError("Admin authentication failed: wrong secret"), to: [watcher])])
        }
        let effects = arena.receive(["type": "ADMIN_AUTH", "payload": payload], from: watcher)
        #expect(effects.closes == [Closing(connection: watcher, code: 1008, reason: "Error rate exceeded (11 errors in 60s)")])
        #expect(arena.relay.spectatorCount == 0)
    }

    @Test("An arena without a secret has no admins and says how to get one")
    func noSecret() {
        var arena = ArenaHarness()
        let (watcher, snapshot, effects) = arena.spectate(adminSecret: "anything")
        #expect(snapshot["admin"] == false)
        let reason = "Admin authentication failed: this arena has no admin secret (start it with MOWAI_ADMIN_SECRET set)"
        #expect(effects.messages(to: watcher).last?.reason == reason)
        #expect(arena.receive(["type": "ADMIN_AUTH", "payload": ["secret": ""]], from: watcher).messages(to: watcher).map(\.reason) == [reason])
    }

    @Test("ADMIN_TASK broadcasts a GLOBAL_TASK to everybody and answers with ADMIN_RESULT")
    func adminTask() throws {
        var arena = ArenaHarness(adminSecret: Self.secret)
        let ada = arena.connectAgent("Ada")
        let admin = arena.spectate(adminSecret: Self.secret).connection
        let watcher = arena.spectate().connection

        let effects = arena.receive(["type": "ADMIN_TASK", "payload": ["description": "Name three colours"]], from: admin)
        #expect(effects.types(to: ada.connection) == ["GLOBAL_TASK"])
        #expect(effects.types(to: watcher) == ["GLOBAL_TASK"])
        #expect(effects.types(to: admin) == ["GLOBAL_TASK", "ADMIN_RESULT"])
        let taskId = ArenaHarness.expectedTaskId(1)
        #expect(effects.messages(to: admin).last?.payload == ["action": "task", "ok": true, "taskId": .string(taskId)])
        #expect(effects.messages(to: ada.connection).first?.payload?["taskId"] == .string(taskId))
        #expect(arena.relay.tasks.map(\.taskId) == [taskId])
    }

    @Test("ADMIN_TASK without a description fails with ADMIN_RESULT and broadcasts nothing", arguments: [
        [:], ["description": ""], ["description": "  \n\t "], ["description": 7], ["description": .null],
    ] as [JSONValue])
    func adminTaskWithoutDescription(payload: JSONValue) {
        var arena = ArenaHarness(adminSecret: Self.secret)
        _ = arena.connectAgent("Ada")
        let admin = arena.spectate(adminSecret: Self.secret).connection
        let effects = arena.receive(["type": "ADMIN_TASK", "payload": payload], from: admin)
        #expect(effects.recipients == [admin])
        #expect(effects.messages(to: admin).first?.payload == ["action": "task", "ok": false, "error": "description is required"])
        #expect(arena.relay.tasks.isEmpty)
    }

    @Test("ADMIN_KICK closes the agent 1008 with the reason, and everybody sees it leave")
    func kick() throws {
        var arena = ArenaHarness(adminSecret: Self.secret)
        let ada = arena.connectAgent("Ada")
        let bob = arena.connectAgent("Bob")
        let admin = arena.spectate(adminSecret: Self.secret).connection

        let effects = arena.receive(["type": "ADMIN_KICK", "payload": ["agentId": .string(bob.id), "reason": "spamming"]], from: admin)

        let kicked = effects.messages(to: bob.connection)
        #expect(kicked.map(\.type) == ["ARENA_ERROR"])
        #expect(kicked.first?.payload == ["reason": "Kicked by admin: spamming", "targetAgentId": .string(bob.id)])
        #expect(effects.closes == [Closing(connection: bob.connection, code: 1008, reason: "Kicked by admin: spamming")])
        for connection in [ada.connection, admin] {
            let notice = try #require(effects.messages(to: connection).first)
            #expect(notice.type == "AGENT_DISCONNECT")
            #expect(notice["agentId"] == .string(bob.id))
            #expect(notice.payload == ["name": "Bob", "slot": 1, "reason": "Kicked by admin: spamming"])
        }
        #expect(effects.messages(to: admin).last?.payload == ["action": "kick", "ok": true, "agentId": .string(bob.id)])
        #expect(arena.relay.agents.map(\.name) == ["Ada"])
    }

    @Test("A kick without a reason says only that")
    func kickWithoutReason() {
        var arena = ArenaHarness(adminSecret: Self.secret)
        let ada = arena.connectAgent("Ada")
        let admin = arena.spectate(adminSecret: Self.secret).connection
        let effects = arena.receive(["type": "ADMIN_KICK", "payload": ["agentId": .string(ada.id), "reason": "  "]], from: admin)
        #expect(effects.closes.map(\.reason) == ["Kicked by admin"])
    }

    @Test("Kicking an agent that is not connected fails with ADMIN_RESULT")
    func kickUnknown() {
        var arena = ArenaHarness(adminSecret: Self.secret)
        let admin = arena.spectate(adminSecret: Self.secret).connection
        let ghost = arena.makeAgentId()
        let effects = arena.receive(["type": "ADMIN_KICK", "payload": ["agentId": .string(ghost)]], from: admin)
        #expect(effects.withoutLogs.count == 1)
        #expect(effects.messages(to: admin).first?.payload == [
            "action": "kick", "ok": false, "error": .string("No agent with id \(ghost) is connected"),
        ])
    }

    @Test("ADMIN_CLEAR_TASKS forgets the replayable tasks and tells the spectators")
    func clearTasks() {
        var arena = ArenaHarness(adminSecret: Self.secret)
        let ada = arena.connectAgent("Ada")
        let admin = arena.spectate(adminSecret: Self.secret).connection
        let watcher = arena.spectate().connection
        for number in 1...3 { _ = arena.relay.issueTask(description: .string("Task \(number)"), at: arena.moment) }

        let effects = arena.receive(["type": "ADMIN_CLEAR_TASKS"], from: admin)
        #expect(effects.types(to: watcher) == ["TASKS_CLEARED"])
        #expect(effects.messages(to: watcher).first?.payload == ["cleared": 3])
        #expect(effects.types(to: admin) == ["TASKS_CLEARED", "ADMIN_RESULT"])
        #expect(effects.messages(to: admin).last?.payload == ["action": "clear-tasks", "ok": true, "cleared": 3])
        // Agents of the original never see extension messages.
        #expect(effects.types(to: ada.connection) == [])
        #expect(arena.relay.tasks.isEmpty)
        let (late, joined) = arena.connect("Late")
        #expect(joined.types(to: late.connection) == ["ARENA_ACK"])
    }
}

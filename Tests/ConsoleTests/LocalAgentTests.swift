import ArenaProtocol
@testable import Console
import Testing

@Suite("Local agents in the console")
struct LocalAgentTests {
    static let local = "5e0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"

    static func added() -> ConsoleStore {
        var store = ConsoleStore()
        store.prepare(.localAgentAdded(RosterEntry(agentId: local, slot: 0, name: "ada", color: "#e06c75", persona: "pragmatist",
                                                   version: "", connectedAt: 0)))
        return store
    }

    @Test("a local agent is listed as starting before it joins, then as the arena reports it")
    func listedBeforeJoining() {
        var store = Self.added()
        #expect(store.state.roster.map(\.name) == ["ada"])
        #expect(store.state.roster[0].isOnline == false)
        #expect(store.state.roster[0].activity == .starting)
        #expect(store.state.localAgentIds == [Self.local])
        store.prepare(.arena(["type": "AGENT_JOIN", "agentId": .string(Self.local),
                              "payload": ["agentId": .string(Self.local), "slot": 3, "name": "ada", "color": "#e06c75", "persona": "pragmatist",
                                          "version": "0.1.0", "connectedAt": .number(Double(nowMs))]], at: now))
        #expect(store.state.roster[0].isOnline)
        #expect(store.state.roster[0].slot == 3)
    }

    @Test("lifecycle, logs and the model's streamed text go to its console; the text joins into one line")
    func consoleLines() {
        var store = Self.added()
        store.prepare(.localAgent(agentId: Self.local, .lifecycle("thinking…", activity: .thinking(step: nil))))
        store.prepare(.localAgent(agentId: Self.local, .modelText("Ship")))
        store.prepare(.localAgent(agentId: Self.local, .modelText(" it")))
        store.prepare(.localAgent(agentId: Self.local, .modelText(" small.")))
        store.prepare(.localAgent(agentId: Self.local, .lifecycle("responded in 812 ms", activity: .answered)))
        store.prepare(.localAgent(agentId: Self.local, .modelText("Next")))
        store.prepare(.localAgent(agentId: Self.local, .log(level: .warn, text: "careful")))
        let lines = store.state.consoles[Self.local]?.entries ?? []
        #expect(lines.map(\.text) == ["thinking…", "Ship it small.", "responded in 812 ms", "Next", "careful"])
        #expect(lines.map(\.kind) == [.log(level: .agent), .log(level: .model), .log(level: .agent), .log(level: .model), .log(level: .warn)])
        #expect(store.state.roster[0].activity == .answered)
        // None of it is chat: the arena's thoughts and responses are.
        #expect(store.state.chat.entries.isEmpty)
    }

    @Test("a failed agent says why in its console, its roster row and a notice, and stays failed after it leaves")
    func failure() {
        var store = Self.added()
        store.prepare(.arena(["type": "AGENT_JOIN", "agentId": .string(Self.local),
                              "payload": ["agentId": .string(Self.local), "slot": 3, "name": "ada"]], at: now))
        store.prepare(.localAgent(agentId: Self.local, .failed("handle-task failed: trapped: unreachable")))
        store.prepare(.arena(["type": "AGENT_DISCONNECT", "agentId": .string(Self.local), "payload": ["name": "ada", "slot": 3]], at: now))
        #expect(store.state.consoles[Self.local]?.entries.last?.text == "failed: handle-task failed: trapped: unreachable")
        #expect(store.state.roster[0].activity == .failed)
        #expect(store.state.notices.last?.text == "ada failed: handle-task failed: trapped: unreachable")
    }

    @Test("events of agents the console does not host are ignored")
    func strangers() {
        var store = Self.added()
        store.prepare(.localAgent(agentId: "someone-else", .log(level: .info, text: "hi")))
        #expect(store.state.consoles["someone-else"] == nil)
    }
}

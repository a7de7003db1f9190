import ArenaProtocol
@testable import Console
import Testing

@Suite("Keys and commands")
struct KeyTests {
    @Test("Tab and Shift-Tab cycle the panes; Enter on a roster entry opens its console")
    func focusAndSelection() {
        var store = ConsoleStore()
        store.prepare(.arena(snapshot(agents: [entry("ada", slot: 0), entry("bob", slot: 1)]), at: now))
        store.send(.key(.tab)) { $0.focus = .chat }
        store.send(.key(.tab)) { $0.focus = .console }
        store.send(.key(.tab)) { $0.focus = .roster }
        store.send(.key(.backTab)) { $0.focus = .console }
        store.send(.key(.tab)) { $0.focus = .roster }
        store.send(.key(.down)) { $0.rosterCursor = 1 }
        store.send(.key(.down))
        store.send(.key(.enter)) {
            $0.selectedAgentId = agentId(1)
            $0.focus = .console
            $0.scrollback[.console] = 0
        }
    }

    @Test("`/` starts a command from any pane; Escape abandons it; `?` shows help and any key hides it")
    func inputAndHelp() {
        var store = ConsoleStore()
        store.send(.key(.tab)) { $0.focus = .chat }
        store.send(.key(.character("/"))) { $0.input = "/" }
        store.send(.key(.character("x"))) { $0.input = "/x" }
        store.send(.key(.backspace)) { $0.input = "/" }
        store.send(.key(.escape)) { $0.input = nil }
        store.send(.key(.character("?"))) { $0.showsHelp = true }
        store.send(.key(.character("q"))) { $0.showsHelp = false }
        store.send(.key(.character("q")), effects: [.quit]) { $0.isQuitting = true }
    }

    @Test("Ctrl-C quits even while typing")
    func controlC() {
        var store = ConsoleStore()
        store.prepare(.key(.character("/")))
        store.send(.key(.controlC), effects: [.quit]) { $0.isQuitting = true }
    }

    @Test("/task is sent as an admin; without --admin it says what is missing")
    func task() {
        var admin = ConsoleStore(admin: true)
        #expect(admin.type("/task Plan a picnic for 12") == [.postTask(description: "Plan a picnic for 12")])
        #expect(admin.type("/task   ") == [])
        #expect(admin.state.notices.last?.text == "Usage: /task <description>")

        var spectator = ConsoleStore()
        #expect(spectator.type("/task hello") == [])
        #expect(spectator.state.notices.last?.level == .error)
        #expect(spectator.state.notices.last?.text.contains("--admin") == true)
    }

    @Test("/kick takes a name or a slot, refuses ambiguity, and is not offered on the original Arena")
    func kick() {
        var store = ConsoleStore(admin: true)
        store.prepare(.arena(snapshot(agents: [entry("ada", slot: 0), entry("Bob", slot: 1), entry("bob", slot: 2)]), at: now))
        #expect(store.type("/kick ADA") == [.postKick(agentId: agentId(0), reason: nil)])
        #expect(store.type("/kick 2") == [.postKick(agentId: agentId(2), reason: nil)])
        #expect(store.type("/kick bob") == [])
        #expect(store.state.notices.last?.text == "2 agents are named bob: use the slot number")
        #expect(store.type("/kick zed") == [])
        #expect(store.type("/clear") == [.postClearTasks])
        #expect(store.type("/nope") == [])
        #expect(store.state.notices.last?.text == "Unknown command /nope — /help lists the commands")

        var original = ConsoleStore(admin: true)
        original.prepare(.arena(["type": "ARENA_ERROR", "payload": ["reason": "First message must be AGENT_CONNECT"]], at: now))
        #expect(original.type("/clear") == [])
        #expect(original.state.notices.last?.text == "The original Arena has no /clear; only /task works there")
    }

    @Test("every admin outcome is worded for the lead")
    func outcomes() {
        var store = ConsoleStore(admin: true)
        store.prepare(.taskPosted(.accepted(detail: "task 1234")))
        store.prepare(.taskPosted(.unauthorized))
        store.prepare(.kickPosted(.rejected(status: 404, error: "No agent with id x is connected")))
        store.prepare(.clearPosted(.unreachable("connection refused")))
        #expect(store.state.notices.map(\.text) == [
            "Task sent: task 1234",
            "Task refused: wrong or missing admin secret (MOWAI_ADMIN_SECRET)",
            "Kick rejected (404): No agent with id x is connected",
            "Clear failed: arena unreachable (connection refused)",
        ])
        store.prepare(.tick(now: now + 6000))
        #expect(store.state.notices.isEmpty)
    }

    @Test("scrolling the chat stops at the oldest line and at the newest")
    func scrolling() {
        var store = ConsoleStore()
        store.prepare(.arena(snapshot(agents: [entry("ada", slot: 0)]), at: now))
        for seq in 1...5 { store.prepare(.arena(thought("line \(seq)", from: 0, seq: seq), at: now)) }
        store.prepare(.key(.tab))
        store.send(.key(.up)) { $0.scrollback[.chat] = 1 }
        store.send(.key(.home)) { $0.scrollback[.chat] = 4 }
        store.send(.key(.pageDown)) { $0.scrollback[.chat] = 0 }
    }
}

@Suite("Layout")
struct LayoutTests {
    @Test("a terminal under 60×16 is too small; 80×24 stacks chat over console; 140 columns put them side by side")
    func layouts() throws {
        #expect(Layout(size: TerminalSize(columns: 20, rows: 6), showsConsoleGrid: false).isTooSmall)
        let standard = Layout(size: TerminalSize(columns: 80, rows: 24), showsConsoleGrid: false)
        let chat = try #require(standard.chat)
        let console = try #require(standard.console)
        #expect(chat.left == console.left && chat.bottom == console.top)
        let wide = Layout(size: TerminalSize(columns: 140, rows: 45), showsConsoleGrid: false)
        #expect(try #require(wide.chat).right == (try #require(wide.console)).left)
        #expect(try #require(standard.input).top == 23)
    }

    @Test("a click on a roster line opens that agent's console")
    func click() {
        var store = ConsoleStore()
        store.prepare(.arena(snapshot(agents: [entry("ada", slot: 0), entry("bob", slot: 1)]), at: now))
        // The roster's border is on row 3; its entries start on row 4.
        store.send(.click(row: 5, column: 2)) {
            $0.rosterCursor = 1
            $0.selectedAgentId = agentId(1)
            $0.focus = .console
            $0.scrollback[.console] = 0
        }
        store.send(.click(row: 0, column: 2))
    }
}

@Suite("Clicks on a scrolled roster")
struct ScrolledRosterClickTests {
    @Test("a click opens the agent drawn on that line, not the one at that index from the top")
    func scrolledClick() {
        var store = ConsoleStore()
        store.prepare(.arena(snapshot(agents: (0..<30).map { entry("agent-\($0)", slot: $0) }), at: now))
        for _ in 0..<25 { store.prepare(.key(.down)) }
        // 80×24: the roster has 17 lines inside its borders (rows 4…20); the cursor (25) is the last shown.
        #expect(store.state.firstVisibleRosterLine(rows: 17) == 9)
        store.prepare(.click(row: 4, column: 3))
        #expect(store.state.selectedAgentId == agentId(9))
        store.prepare(.key(.tab)); store.prepare(.key(.tab))
        store.send(.click(row: 21, column: 3))  // the bottom border: nothing
    }
}

@Suite("Reading back while the chat moves")
struct ScrollAnchorTests {
    @Test("scrolled back, new messages do not move what is shown; at the bottom, the view follows")
    func anchored() {
        var store = ConsoleStore()
        store.prepare(.arena(snapshot(agents: [entry("ada", slot: 0)]), at: now))
        for seq in 1...10 { store.prepare(.arena(thought("line \(seq)", from: 0, seq: seq), at: now)) }
        store.prepare(.key(.tab))
        store.prepare(.key(.up)); store.prepare(.key(.up))
        #expect(store.state.scrollback[.chat] == 2)
        store.prepare(.arena(thought("line 11", from: 0, seq: 11), at: now))
        #expect(store.state.scrollback[.chat] == 3, "still ending at line 8")
        store.prepare(.key(.end))
        store.prepare(.arena(thought("line 12", from: 0, seq: 12), at: now))
        #expect(store.state.scrollback[.chat] == 0)
    }
}

import ArenaProtocol
@testable import Console
import Mob
import Testing

@Suite("Mobs in the console")
struct MobConsoleTests {
    static let members = [("contrarian", "contrarian"), ("pragmatist", "pragmatist"), ("synthesiser", "synthesiser"), ("extra", "pragmatist")]

    static func agentIdOf(_ member: String) -> String {
        agentId(members.firstIndex { $0.0 == member }.map { $0 + 10 } ?? 99)
    }

    static func workshop() -> MobView {
        MobView(id: "workshop", profiles: ["contrarian", "pragmatist", "synthesiser"],
                flows: [FlowOutline(id: "debate", steps: [("contrarian", "contrarian"), ("pragmatist", "pragmatist"), ("synthesis", "synthesiser")],
                                    parameters: ["task"])],
                members: members.map { MobMemberView(id: $0.0, profile: $0.1, agentId: agentIdOf($0.0)) })
    }

    static func event(_ payload: MobEventPayload, from source: String = "workshop", seq: Int = 1) -> Action {
        .mob(MobEvent(eventId: "e", source: source, seq: seq, mobId: "workshop", timestampMs: nowMs, payload: payload))
    }

    static func store() -> ConsoleStore {
        var store = ConsoleStore(admin: true)
        store.prepare(.resize(columns: 120, rows: 40))
        store.prepare(.arena(snapshot(agents: [entry("visitor", slot: 7)]), at: now))
        store.prepare(.mobAttached(workshop()))
        return store
    }

    @Test("a mob's members are listed under its heading, grouped by role, after the arena's own agents")
    func grouping() {
        let store = Self.store()
        #expect(store.state.roster.count == 5)
        let names = store.state.rosterLines.map { line -> String in
            switch line {
            case .agent(let index): store.state.roster[index].name
            case .mob(let index): "# \(store.state.mobs[index].id)"
            default: "-"
            }
        }
        #expect(names == ["visitor", "# workshop", "contrarian", "pragmatist", "extra", "synthesiser"])
        #expect(store.state.roster.first { $0.name == "extra" }?.activity == .starting)
    }

    @Test("the cursor walks the roster in the order it is drawn")
    func cursorOrder() {
        var store = Self.store()
        store.prepare(.key(.down))
        store.prepare(.key(.down))
        store.prepare(.key(.down))
        store.prepare(.key(.enter))
        #expect(store.state.selectedAgentId == Self.agentIdOf("extra"))
    }

    @Test("member events become its console: task received, the model's text, its answer, and tokens in the roster")
    func memberConsole() {
        var store = Self.store()
        store.prepare(Self.event(.runStarted(runId: "r1", member: "pragmatist", kind: .arenaTask(taskId: taskId), prompt: "Plan a picnic"), from: "pragmatist"))
        store.prepare(Self.event(.turnStarted(runId: "r1", turnId: "r1.1", turnNumber: 1), from: "pragmatist", seq: 2))
        store.prepare(Self.event(.textDelta(runId: "r1", turnId: "r1.1", delta: "Bring "), from: "pragmatist", seq: 3))
        store.prepare(Self.event(.textDelta(runId: "r1", turnId: "r1.1", delta: "bread."), from: "pragmatist", seq: 4))
        store.prepare(Self.event(.turnCompleted(runId: "r1", turnId: "r1.1", stopReason: .endTurn, usage: TokenUsage(inputTokens: 30, outputTokens: 2)), from: "pragmatist", seq: 5))
        store.prepare(Self.event(.runCompleted(runId: "r1", result: "Bring bread.", usage: TokenUsage(inputTokens: 30, outputTokens: 2), durationMs: 812), from: "pragmatist", seq: 6))
        let console = store.state.consoles[Self.agentIdOf("pragmatist")]?.entries.map(\.text) ?? []
        #expect(console == ["task received: Plan a picnic", "thinking…", "Bring bread.", "the model wrote 2 tokens", "responded in 812 ms"])
        #expect(store.state.mobs[0].member("pragmatist")?.tokens == 32)
        #expect(store.state.roster.first { $0.name == "pragmatist" }?.activity == .answered)
    }

    @Test("the flow pane follows the run: steps dispatched, answered, failed, and the outcome as a notice")
    func flowPane() {
        var store = Self.store()
        store.prepare(Self.event(.flowStarted(runId: "f1", flowId: "debate", params: ["task": "x"])))
        store.prepare(Self.event(.stepDispatched(runId: "f1", stepId: "contrarian", target: "contrarian", memberRunId: "r1", attempt: 1)))
        store.prepare(Self.event(.stepDispatched(runId: "f1", stepId: "pragmatist", target: "pragmatist", memberRunId: "r2", attempt: 1)))
        store.prepare(Self.event(.stepCompleted(runId: "f1", stepId: "contrarian", target: "contrarian", output: "no", durationMs: 5)))
        store.prepare(Self.event(.stepCompleted(runId: "f1", stepId: "contrarian", target: nil, output: "no", durationMs: 5)))
        var run = store.state.mobs[0].flowRun
        #expect(run?.steps.map(\.state) == [.completed, .running, .pending])
        #expect(store.state.rosterLines.suffix(5) == [.blank, .flow(0), .flowStep(mob: 0, step: 0), .flowStep(mob: 0, step: 1), .flowStep(mob: 0, step: 2)])
        store.prepare(Self.event(.stepFailed(runId: "f1", stepId: "pragmatist", target: "pragmatist", error: "trap")))
        store.prepare(Self.event(.flowFailed(runId: "f1", flowId: "debate", error: "step pragmatist failed: trap")))
        run = store.state.mobs[0].flowRun
        #expect(run?.status == .failed)
        #expect(run?.steps.last?.state == .skipped)
        #expect(store.state.notices.last?.text == "Flow debate failed: step pragmatist failed: trap")
    }

    @Test("/flow, /send, /steer, /spawn, /retire, /wire and /unwire become mob requests")
    func commands() {
        var store = Self.store()
        #expect(store.type("/flow debate Plan a picnic") == [.mob(.runFlow(mob: "workshop", flow: "debate", params: ["task": "Plan a picnic"]))])
        #expect(store.type("/flow debate task=Plan mood=calm") == [.mob(.runFlow(mob: "workshop", flow: "debate", params: ["task": "Plan", "mood": "calm"]))])
        #expect(store.type("/send extra bring cake") == [.mob(.send(mob: "workshop", member: "extra", text: "bring cake", mode: .queue))])
        #expect(store.type("/steer workshop/extra now") == [.mob(.send(mob: "workshop", member: "extra", text: "now", mode: .steer))])
        #expect(store.type("/spawn pragmatist helper") == [.mob(.spawn(mob: "workshop", profile: "pragmatist", id: "helper"))])
        #expect(store.type("/retire extra") == [.mob(.retire(mob: "workshop", member: "extra"))])
        #expect(store.type("/wire extra contrarian") == [.mob(.wire(MemberRef(mob: "workshop", member: "extra"), MemberRef(mob: "workshop", member: "contrarian")))])
        #expect(store.type("/unwire extra contrarian") == [.mob(.unwire(MemberRef(mob: "workshop", member: "extra"), MemberRef(mob: "workshop", member: "contrarian")))])
    }

    @Test("mob commands say what is wrong: unknown members, flows and profiles, or no mob at all")
    func refusals() {
        var store = Self.store()
        #expect(store.type("/send nobody hi").isEmpty)
        #expect(store.state.notices.last?.text == "No member nobody (members: contrarian, pragmatist, synthesiser, extra)")
        #expect(store.type("/flow nope").isEmpty)
        #expect(store.state.notices.last?.text == "No flow nope (flows: debate)")
        #expect(store.type("/spawn ghost").isEmpty)
        #expect(store.state.notices.last?.text.hasPrefix("No profile ghost") == true)
        #expect(store.type("/wire extra").isEmpty)
        #expect(store.state.notices.last?.text == "Usage: /wire <member> <member>")
        var empty = ConsoleStore(admin: true)
        #expect(empty.type("/flow debate x").isEmpty)
        #expect(empty.state.notices.last?.text == "No mob runs in this console (start one with --mob FILE, or run mowai tui alone)")
    }

    @Test("a member spawned later is listed with its agent id; a retired one says so")
    func lifecycle() {
        var store = Self.store()
        store.prepare(.mobMemberAdded(mob: "workshop", MobMemberView(id: "helper", profile: "pragmatist", agentId: agentId(50))))
        #expect(store.state.roster.contains { $0.name == "helper" })
        store.prepare(Self.event(.memberRetired(member: "helper", generation: 1), from: "helper"))
        #expect(store.state.mobs[0].member("helper")?.status == .retired)
        #expect(store.state.roster.first { $0.name == "helper" }?.activity == .retired)
    }
}

import ArenaProtocol
@testable import Mob
import Testing

@Suite("Members, wiring and member send")
struct MobMemberTests {
    static let team = """
    {"id": "team", "orchestrator": "lead",
     "profiles": {"lead": {"persona": "synthesiser"}, "a": {"persona": "pragmatist"}, "b": {"persona": "contrarian"}},
     "members": [{"profile": "lead", "id": "boss"}, {"profile": "a", "id": "ada"}, {"profile": "b", "id": "bob"}, {"profile": "a", "id": "amy"}],
     "wiring": {"auto_wire_orchestrator": true, "role_wiring": [{"a": "a", "b": "b"}]}}
    """

    @Test("start spawns the members in order and wires them as the definition says; seq counts per source from 1")
    func start() throws {
        let harness = MobHarness(try definition(Self.team))
        #expect(harness.effects.compactMap { if case .startMember(let id, 1, _) = $0 { id } else { nil } } == ["boss", "ada", "bob", "amy"])
        #expect(harness.mob.members["boss"]?.peers == ["ada", "bob", "amy"])
        #expect(harness.mob.members["ada"]?.peers == ["boss", "bob"])
        #expect(harness.mob.members["bob"]?.peers == ["boss", "ada", "amy"])
        #expect(harness.mob.members["amy"]?.peers == ["boss", "bob"], "members of one profile are not wired to each other")
        let wired = harness.events.filter { $0.payload.type == "members_wired" }
        #expect(wired.count == 5)
        #expect(wired.map(\.source) == Array(repeating: "team", count: 5))
        #expect(wired.map(\.seq) == [1, 2, 3, 4, 5])
        #expect(harness.events.filter { $0.source == "ada" }.map(\.seq) == [1])
        #expect(Set(harness.events.map(\.eventId)).count == harness.events.count)
    }

    @Test("queue waits for current and queued work; steer goes next")
    func queueAndSteer() throws {
        var harness = MobHarness(try definition(Self.team))
        try harness.send(.send(member: "ada", content: "first", mode: .queue))
        #expect(harness.running("ada") != nil)
        let second = try harness.send(.send(member: "ada", content: "second", mode: .queue))
        #expect(second.reply.hasSuffix("(after 1 run)"))
        try harness.send(.send(member: "ada", content: "third", mode: .queue))
        let steered = try harness.send(.send(member: "ada", content: "urgent", mode: .steer))
        #expect(steered.reply.hasSuffix("for ada (next)"))
        for _ in 0..<4 { harness.answer("ada", "ok") }
        #expect(harness.runs.filter { $0.member == "ada" }.map(\.text) == ["first", "urgent", "second", "third"])
        let kinds = harness.events.compactMap { if case .runStarted(_, _, let kind, _) = $0.payload { kind } else { nil } }
        #expect(kinds == [.external(.queue), .external(.steer), .external(.queue), .external(.queue)])
    }

    @Test("a run's events: run_started, turn_started, text_delta, text_complete, turn_completed with usage, run_completed")
    func runEvents() throws {
        var harness = MobHarness(try definition(Self.team))
        try harness.send(.send(member: "ada", content: "hello", mode: .queue))
        harness.clearEffects()
        harness.answer("ada", "hi there", tokens: 7)
        #expect(harness.eventTypes == ["turn_started", "text_delta", "text_complete", "turn_completed", "run_completed"])
        let runId = "team-run-1"
        #expect(harness.events.last?.payload == .runCompleted(runId: runId, result: "hi there", usage: TokenUsage(inputTokens: 5, outputTokens: 7), durationMs: 0))
        #expect(harness.events[3].payload == .turnCompleted(runId: runId, turnId: "\(runId).1", stopReason: .endTurn, usage: TokenUsage(inputTokens: 5, outputTokens: 7)))
        #expect(harness.mob.members["ada"]?.usage.total == 12)
        #expect(harness.running("ada") == nil)
    }

    @Test("a hosted model's retry inside a run is a retrying event with the run, the turn, the attempt and the wait")
    func retrying() throws {
        var harness = MobHarness(try definition(Self.team))
        try harness.send(.send(member: "ada", content: "hello", mode: .queue))
        _ = harness.report("ada", .turnStarted)
        _ = harness.report("ada", .retrying(attempt: 2, maxAttempts: 4, delayMs: 1500, error: "rate limited by the server"))
        let payload = try #require(harness.events.last?.payload)
        #expect(payload == .retrying(runId: "team-run-1", turnId: "team-run-1.1", attempt: 2, maxAttempts: 4,
                                     error: "rate limited by the server", delayMs: 1500))
        #expect(payload.json == ["type": "retrying", "run_id": "team-run-1", "turn_id": "team-run-1.1", "attempt": 2, "max_attempts": 4,
                                 "error": "rate limited by the server", "delay_ms": 1500])
    }

    @Test("a thought reaches the wired peers only, as a peer thought, and is an event")
    func thoughts() throws {
        var harness = MobHarness(try definition(Self.team))
        try harness.send(.send(member: "ada", content: "think", mode: .queue))
        let effects = harness.report("ada", .thought("costs matter", runId: "team-run-1"))
        let delivered = effects.compactMap { if case .deliverThought(let to, _, "ada", "costs matter") = $0 { to } else { nil } }
        #expect(delivered == ["boss", "bob"])
        #expect(harness.events.last?.payload == .memberThought(runId: "team-run-1", content: "costs matter", deliveredTo: ["boss", "bob"]))
    }

    @Test("a thought made outside the run (on-peer-thought) reaches peers but belongs to no run and no arena task")
    func thoughtOutsideTheRun() throws {
        var harness = MobHarness(try definition(Self.team))
        try harness.send(.arenaTask(taskId: "t1", description: "Hello"))
        let effects = harness.report("ada", .thought("an aside", runId: nil))
        #expect(effects.contains(.deliverThought(to: "boss", generation: 1, from: "ada", text: "an aside")))
        #expect(!effects.contains { if case .arenaPost = $0 { true } else { false } })
        #expect(harness.events.last?.payload == .memberThought(runId: nil, content: "an aside", deliveredTo: ["boss", "bob"]))
    }

    @Test("retiring a member drops its queued work with a word, and fails its running work once")
    func retireOnce() throws {
        var harness = MobHarness(try definition(Self.team))
        try harness.send(.send(member: "ada", content: "running", mode: .queue))
        try harness.send(.send(member: "ada", content: "queued", mode: .queue))
        try harness.send(.retire("ada"))
        #expect(harness.events.filter { $0.payload.type == "run_failed" && $0.source == "ada" }.count == 1)
        #expect(harness.events.contains { $0.payload == .memberLog(level: "warn", text: "dropped team-run-2, which had not started: member ada was retired") })
        #expect(harness.effects.filter { if case .cancelRun = $0 { true } else { false } }.count == 1)
    }

    @Test("wiring: by hand, both ways at once; never to itself; not to a retired member; unknown members named")
    func wiring() throws {
        var harness = MobHarness(try definition(Self.team))
        #expect(try harness.send(.wire("ada", "amy")).reply == "wired ada and amy")
        #expect(harness.mob.members["amy"]?.peers.contains("ada") == true)
        #expect(try harness.send(.wire("amy", "ada")).reply == "amy and ada are already wired")
        #expect(throws: MobError.wiredToItself("ada")) { try harness.send(.wire("ada", "ada")) }
        #expect(throws: MobError.unknownMember("zed", known: ["boss", "ada", "bob", "amy"])) { try harness.send(.wire("ada", "zed")) }
        try harness.send(.unwire("ada", "amy"))
        #expect(harness.mob.members["amy"]?.peers.contains("ada") == false)
        try harness.send(.retire("amy"))
        #expect(throws: MobError.memberNotActive("amy", .retiring)) { try harness.send(.wire("ada", "amy")) }
        #expect(throws: MobError.memberNotActive("amy", .retiring)) { try harness.send(.send(member: "amy", content: "x", mode: .queue)) }
        #expect(throws: MobError.emptyMessage) { try harness.send(.send(member: "ada", content: "  ", mode: .queue)) }
    }

    @Test("spawn takes a free id; retire stops the agent; respawn starts a new generation and ignores the old one's reports")
    func lifecycle() throws {
        var harness = MobHarness(try definition(Self.team))
        #expect(try harness.send(.spawn(profile: "a", id: nil)).reply == "spawned a-1 (a)")
        #expect(harness.mob.members["a-1"]?.peers == ["boss", "bob"])
        #expect(throws: MobError.duplicateMember("ada")) { try harness.send(.spawn(profile: "a", id: "ada")) }
        #expect(throws: MobError.unknownProfile("zz", known: ["a", "b", "lead"])) { try harness.send(.spawn(profile: "zz", id: nil)) }

        try harness.send(.retire("a-1"))
        #expect(harness.mob.members["a-1"]?.status == .retiring)
        #expect(harness.effects.last == .stopMember(member: "a-1", generation: 1))
        harness.report("a-1", .stopped)
        #expect(harness.mob.members["a-1"]?.status == .retired)
        #expect(harness.eventTypes.last == "member_retired")

        try harness.send(.send(member: "ada", content: "slow work", mode: .queue))
        try harness.send(.respawn("ada"))
        #expect(harness.mob.members["ada"]?.generation == 2)
        #expect(harness.effects.suffix(4).contains(.startMember(member: "ada", generation: 2, profile: "a")))
        // The old generation's late answer is not the new one's.
        _ = try harness.send(.report(member: "ada", generation: 1, .runFinished(output: "stale")))
        #expect(!harness.events.contains { if case .runCompleted(_, "stale", _, _) = $0.payload { true } else { false } })
    }

    @Test("a member that traps fails with its work; the others carry on")
    func trap() throws {
        var harness = MobHarness(try definition(Self.team))
        try harness.send(.send(member: "ada", content: "one", mode: .queue))
        try harness.send(.send(member: "ada", content: "two", mode: .queue))
        try harness.send(.send(member: "bob", content: "three", mode: .queue))
        harness.report("ada", .failed("handle-task trapped: unreachable"))
        #expect(harness.mob.members["ada"]?.status == .failed)
        #expect(harness.events.contains { $0.payload == .memberFailed(member: "ada", generation: 1, error: "handle-task trapped: unreachable") })
        #expect(harness.events.filter { $0.payload.type == "run_failed" && $0.source == "ada" }.count == 1)
        harness.answer("bob", "fine")
        #expect(harness.events.last?.payload.type == "run_completed")
        #expect(try harness.send(.respawn("ada")).reply == "respawned ada (generation 2)")
    }

    @Test("force-cancel of a running call: the run fails as canceled, the member takes its next work when the agent returns")
    func cancel() throws {
        var harness = MobHarness(try definition(Self.team))
        try harness.send(.send(member: "ada", content: "long", mode: .queue))
        try harness.send(.send(member: "ada", content: "next", mode: .queue))
        try harness.send(.cancelRun("ada"))
        #expect(harness.effects.contains(.cancelRun(member: "ada", generation: 1, runId: "team-run-1")))
        #expect(harness.runs.count == 1, "the member is still inside the call")
        harness.report("ada", .runFinished(output: "too late"))
        #expect(harness.runs.map(\.text) == ["long", "next"])
        #expect(throws: MobError.nothingToCancel("bob")) { try harness.send(.cancelRun("bob")) }
    }
}

@Suite("Flows")
struct MobFlowTests {
    @Test("debate: four answer in parallel, the synthesiser gets their answers and writes the final one")
    func debate() throws {
        var harness = MobHarness(try definition(workshopJSON))
        #expect(try harness.send(.runFlow("debate", params: ["task": "Plan a picnic"])).reply == "started flow debate as workshop-flow-1")
        #expect(Set(harness.runs.map(\.member)) == ["contrarian", "first-principles", "devils-advocate", "pragmatist"])
        #expect(harness.runs.allSatisfy { $0.text == "Plan a picnic" })
        for member in ["pragmatist", "contrarian", "devils-advocate", "first-principles"] { harness.answer(member, "\(member) says yes") }
        let synthesis = try #require(harness.runs.last)
        #expect(synthesis.member == "synthesiser")
        #expect(synthesis.text.contains("Contrarian: contrarian says yes\nFirst principles: first-principles says yes"))
        harness.answer("synthesiser", "Go on Saturday.")
        let run = try #require(harness.mob.flowRuns["workshop-flow-1"])
        #expect(run.status == .completed)
        #expect(run.output == "Go on Saturday.")
        #expect(run.steps.values.allSatisfy { $0.state == .completed })
        #expect(run.steps["synthesis"]?.targets.map(\.member) == ["synthesiser"])
        let flowEvents = harness.eventTypes.filter { $0.hasPrefix("flow_") || $0.hasPrefix("step_") }
        #expect(flowEvents.first == "flow_started")
        #expect(flowEvents.last == "flow_completed")
        #expect(flowEvents.filter { $0 == "step_dispatched" }.count == 5)
        #expect(harness.events.last?.payload == .flowCompleted(runId: "workshop-flow-1", flowId: "debate", output: "Go on Saturday.", durationMs: 0))
    }

    static let fan = """
    {"id": "fan", "profiles": {"w": {"persona": "pragmatist"}, "j": {"persona": "synthesiser"}},
     "members": [{"profile": "w", "id": "w1"}, {"profile": "w", "id": "w2"}, {"profile": "w", "id": "w3"}, {"profile": "j", "id": "judge"}],
     "flows": {
       "all": {"steps": {"ask": {"role": "w", "message": "{{params.q}}"}, "judge": {"role": "j", "message": "Judge:\\n{{steps.ask.output}}", "depends_on": ["ask"], "dispatch_mode": "fan_in"}}},
       "any": {"steps": {"ask": {"role": "w", "message": "{{params.q}}", "collection": "any"}}},
       "quorum": {"steps": {"ask": {"role": "w", "message": "{{params.q}}", "collection": {"quorum": 2}}}},
       "strict": {"steps": {"ask": {"role": "w", "message": "{{params.q}}", "timeout_ms": 1000}, "judge": {"role": "j", "message": "{{steps.ask.output}}", "depends_on": ["ask"]}}},
       "lenient": {"steps": {"ask": {"role": "w", "message": "{{params.q}}", "failure_policy": "continue", "timeout_ms": 1000}, "judge": {"role": "j", "message": "got: {{steps.ask.output}}", "depends_on": ["ask"]}}}
     },
     "limits": {"max_flow_duration_ms": 60000, "max_step_retries": 1}}
    """

    @Test("fan_out renders one \"member: output\" paragraph per target; fan_in passes them on")
    func fanOutOutput() throws {
        var harness = MobHarness(try definition(Self.fan))
        try harness.send(.runFlow("all", params: ["q": "2+2?"]))
        harness.answer("w2", "four")
        harness.answer("w1", "4")
        harness.answer("w3", "IV")
        #expect(harness.runs.last?.text == "Judge:\nw1: 4\n\nw2: four\n\nw3: IV")
        #expect(harness.mob.flowRuns["fan-flow-1"]?.steps["ask"]?.output == "w1: 4\n\nw2: four\n\nw3: IV")
    }

    @Test("collection any: the first answer completes the step, the other targets are canceled")
    func any() throws {
        var harness = MobHarness(try definition(Self.fan))
        try harness.send(.send(member: "w3", content: "busy first", mode: .queue))
        try harness.send(.runFlow("any", params: ["q": "quick"]))
        harness.answer("w2", "here")
        let run = try #require(harness.mob.flowRuns["fan-flow-1"])
        #expect(run.status == .completed && run.output == "w2: here")
        #expect(run.steps["ask"]?.targets.map(\.state) == [.canceled, .completed, .canceled])
        #expect(harness.effects.contains(.cancelRun(member: "w1", generation: 1, runId: "fan-run-2")))
        #expect(harness.mob.members["w3"]?.queuedRuns == 0, "w3's queued step work was taken back")
    }

    @Test("collection quorum: two answers of three are enough; one failure is survivable")
    func quorum() throws {
        var harness = MobHarness(try definition(Self.fan))
        try harness.send(.runFlow("quorum", params: ["q": "?"]))
        harness.report("w1", .failed("trap"))
        harness.answer("w2", "a")
        #expect(harness.mob.flowRuns["fan-flow-1"]?.status == .running)
        harness.answer("w3", "b")
        #expect(harness.mob.flowRuns["fan-flow-1"]?.status == .completed)
    }

    @Test("a step past its timeout fails; with escalate the flow fails and what had not started is skipped")
    func timeoutEscalates() throws {
        var harness = MobHarness(try definition(Self.fan))
        try harness.send(.runFlow("strict", params: ["q": "?"]))
        harness.answer("w1", "done")
        harness.advance(byMs: 999)
        #expect(harness.mob.flowRuns["fan-flow-1"]?.status == .running)
        harness.advance(byMs: 1)
        let run = try #require(harness.mob.flowRuns["fan-flow-1"])
        #expect(run.status == .failed)
        #expect(run.error == "step ask failed: w2: timed out after 1000 ms")
        #expect(run.steps["judge"]?.state == .skipped)
        #expect(harness.effects.contains(.cancelRun(member: "w2", generation: 1, runId: "fan-run-2")))
        #expect(harness.eventTypes.suffix(3) == ["step_failed", "step_skipped", "flow_failed"])
    }

    @Test("with continue the flow goes on, and the failed step's output says why")
    func continuePolicy() throws {
        var harness = MobHarness(try definition(Self.fan))
        try harness.send(.runFlow("lenient", params: ["q": "?"]))
        harness.advance(byMs: 1000)
        #expect(harness.runs.last?.member == "judge")
        #expect(harness.runs.last?.text.hasPrefix("got: [step ask failed: w1: timed out after 1000 ms]") == true)
        harness.answer("judge", "nobody answered")
        #expect(harness.mob.flowRuns["fan-flow-1"]?.status == .completed)
    }

    @Test("a quorum that the active members cannot meet fails the step instead of being lowered")
    func quorumNotLowered() throws {
        var harness = MobHarness(try definition(Self.fan))
        for worker in ["w2", "w3"] {
            try harness.send(.retire(worker))
            harness.report(worker, .stopped)
        }
        try harness.send(.runFlow("quorum", params: ["q": "?"]))
        let run = try #require(harness.mob.flowRuns["fan-flow-1"])
        #expect(run.status == .failed)
        #expect(run.error == "step ask failed: only 1 member was asked; the step needs 2 answers")
    }

    @Test("an answer after the flow's limit does not complete it")
    func lateForTheFlow() throws {
        var harness = MobHarness(try definition(Self.fan))
        try harness.send(.runFlow("any", params: ["q": "?"]))
        harness.now = harness.now + 60_000
        harness.answer("w1", "too late")
        #expect(harness.mob.flowRuns["fan-flow-1"]?.status == .failed)
    }

    @Test("a failed target is retried up to max_step_retries on the same member")
    func retries() throws {
        var harness = MobHarness(try definition(Self.fan))
        try harness.send(.runFlow("any", params: ["q": "?"]))
        try harness.send(.cancelRun("w1"))
        harness.report("w1", .runFinished(output: "ignored"))
        #expect(harness.events.contains { $0.payload == .stepDispatched(runId: "fan-flow-1", stepId: "ask", target: "w1", memberRunId: "fan-run-4", attempt: 2) })
        harness.answer("w1", "second try")
        #expect(harness.mob.flowRuns["fan-flow-1"]?.output == "w1: second try")
    }

    @Test("retiring a member a flow waits on fails its part; canceling a flow takes its work back")
    func retireAndCancel() throws {
        var harness = MobHarness(try definition(Self.fan))
        try harness.send(.runFlow("all", params: ["q": "?"]))
        try harness.send(.retire("w1"))
        let run = try #require(harness.mob.flowRuns["fan-flow-1"])
        #expect(run.status == .failed)
        #expect(run.error?.contains("member w1 was retired") == true)

        try harness.send(.runFlow("all", params: ["q": "again"]))
        #expect(try harness.send(.cancelFlow("fan-flow-2")).reply == "canceled flow run fan-flow-2")
        #expect(harness.mob.flowRuns["fan-flow-2"]?.status == .canceled)
        #expect(harness.eventTypes.last == "flow_canceled")
        #expect(throws: MobError.flowRunFinished("fan-flow-2", .canceled)) { try harness.send(.cancelFlow("fan-flow-2")) }
        #expect(throws: MobError.unknownFlowRun("nope")) { try harness.send(.cancelFlow("nope")) }
    }

    @Test("a missing param, an unknown flow, a role with nobody left: worded errors, nothing started")
    func refusals() throws {
        var harness = MobHarness(try definition(Self.fan))
        #expect(throws: MobError.missingParameters(flow: "all", ["q"])) { try harness.send(.runFlow("all", params: [:])) }
        #expect(throws: MobError.unknownFlow("nope", known: ["all", "any", "lenient", "quorum", "strict"])) { try harness.send(.runFlow("nope", params: [:])) }
        try harness.send(.retire("judge"))
        harness.report("judge", .stopped)
        try harness.send(.runFlow("all", params: ["q": "?"]))
        for worker in ["w1", "w2", "w3"] { harness.answer(worker, "x") }
        #expect(harness.mob.flowRuns["fan-flow-1"]?.error == "step judge failed: no active member of profile j")
    }

    @Test("a flow that outlives max_flow_duration_ms fails")
    func flowLimit() throws {
        var harness = MobHarness(try definition(Self.fan))
        try harness.send(.runFlow("all", params: ["q": "?"]))
        harness.advance(byMs: 60_000)
        #expect(harness.mob.flowRuns["fan-flow-1"]?.error == "the flow ran longer than its limit of 60000 ms")
    }
}

@Suite("Mobs in arenas")
struct MobArenaTests {
    @Test("with on_task each arena task runs the flow once; steps post thoughts, the final step the response")
    func onTask() throws {
        var harness = MobHarness(try definition(workshopJSON))
        let taskId = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"
        for _ in 0..<5 { try harness.send(.arenaTask(taskId: taskId, description: "Plan a picnic")) }
        #expect(harness.mob.flowRuns.count == 1)
        harness.report("pragmatist", .thought("Check the weather", runId: harness.running("pragmatist")))
        #expect(harness.effects.last == .arenaPost(member: "pragmatist", taskId: taskId, .thought("Check the weather")))
        for member in ["contrarian", "first-principles", "devils-advocate", "pragmatist"] { harness.answer(member, "\(member)!") }
        #expect(harness.effects.contains(.arenaPost(member: "contrarian", taskId: taskId, .thought("contrarian!"))))
        harness.answer("synthesiser", "Saturday.")
        #expect(harness.effects.contains(.arenaPost(member: "synthesiser", taskId: taskId, .response("Saturday.", durationMs: 0))))
    }

    @Test("a newer arena task waits for the running flow and supersedes older waiting ones")
    func newestTaskWins() throws {
        var harness = MobHarness(try definition(workshopJSON))
        try harness.send(.arenaTask(taskId: "t1", description: "First"))
        try harness.send(.arenaTask(taskId: "t2", description: "Second"))
        try harness.send(.arenaTask(taskId: "t3", description: "Third"))
        #expect(harness.mob.flowRuns.count == 1)
        #expect(harness.events.contains { $0.payload == .memberLog(level: "info", text: "skipped arena task t2: a newer one arrived") })
        for member in ["contrarian", "first-principles", "devils-advocate", "pragmatist", "synthesiser"] { harness.answer(member, "ok") }
        #expect(harness.mob.runs.map(\.arenaTaskId) == ["t1", "t3"])
        #expect(harness.runs.suffix(4).allSatisfy { $0.text == "Third" })
    }

    @Test("without on_task, a newer arena task replaces the ones still waiting in each member's queue")
    func newestTaskWinsPerMember() throws {
        var harness = MobHarness(try definition(MobMemberTests.team))
        for task in ["t1", "t2", "t3"] { try harness.send(.arenaTask(taskId: task, description: task)) }
        harness.answer("ada", "done")
        #expect(harness.runs.filter { $0.member == "ada" }.map(\.text) == ["t1", "t3"])
    }

    @Test("without on_task every member answers the arena's task itself")
    func everyMemberAnswers() throws {
        var harness = MobHarness(try definition(MobMemberTests.team))
        try harness.send(.arenaTask(taskId: "t1", description: "Hello"))
        #expect(harness.runs.map(\.member) == ["boss", "ada", "bob", "amy"])
        harness.answer("bob", "hi")
        #expect(harness.effects.last == .arenaPost(member: "bob", taskId: "t1", .response("hi", durationMs: 0)))
    }
}

@Suite("Subscriptions")
struct SubscriptionBufferTests {
    static func event(_ seq: Int) -> MobEvent {
        MobEvent(eventId: "e\(seq)", source: "m", seq: seq, mobId: "mob", timestampMs: 0, payload: .memberLog(level: "info", text: "\(seq)"))
    }

    @Test("a reader that falls behind gets stream_truncated where the gap is, and memory stays bounded")
    func truncation() {
        var buffer = SubscriptionBuffer(capacity: 3, mobId: "mob", subscriberId: "sub-1")
        for seq in 1...10 { buffer.push(Self.event(seq)) }
        #expect(buffer.count == 4)
        #expect((0..<3).compactMap { _ in buffer.pop()?.seq } == [1, 2, 3])
        let notice = buffer.pop()
        #expect(notice?.payload == .streamTruncated(reason: "the subscriber fell behind by more than 3 events", dropped: 7))
        #expect(buffer.pop() == nil)
        buffer.push(Self.event(11))
        #expect(buffer.pop()?.seq == 11)
    }

    @Test("events encode in the contract's shape")
    func json() {
        let event = MobEvent(eventId: "w-1", source: "ada", seq: 1, mobId: "w", timestampMs: 5,
                             payload: .turnCompleted(runId: "r", turnId: "r.1", stopReason: .endTurn, usage: TokenUsage(inputTokens: 3, outputTokens: 4)))
        #expect(event.json == ["event_id": "w-1", "source": "ada", "seq": 1, "mob_id": "w", "timestamp_ms": 5,
                               "payload": ["type": "turn_completed", "run_id": "r", "turn_id": "r.1", "stop_reason": "end_turn",
                                           "usage": ["input_tokens": 3, "output_tokens": 4]]])
    }
}

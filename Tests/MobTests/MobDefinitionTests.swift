import Mob
import Testing

@Suite("Mob definitions")
struct MobDefinitionTests {
    static let minimal = """
    {"id": "team", "profiles": {"a": {"persona": "pragmatist"}, "b": {"persona": "contrarian"}},
     "members": [{"profile": "a", "id": "ada"}, {"profile": "b", "id": "bob"}],
     "flows": {"ask": {"steps": {"one": {"role": "a", "message": "{{params.q}}"}}}}}
    """

    @Test("the shipped workshop mob is valid: five personas and a debate flow run on each task")
    func workshop() throws {
        let mob = try definition(workshopJSON)
        #expect(mob.id == "workshop")
        #expect(mob.members.map(\.id) == ["contrarian", "first-principles", "devils-advocate", "pragmatist", "synthesiser"])
        #expect(mob.onTask == "debate")
        let debate = try #require(mob.flows["debate"])
        #expect(debate.order.last == "synthesis")
        #expect(debate.terminalSteps == ["synthesis"])
        #expect(debate.steps["synthesis"]?.dispatchMode == .fanIn)
    }

    @Test("fields and their defaults")
    func defaults() throws {
        let mob = try definition(Self.minimal)
        #expect(mob.orchestrator == nil)
        #expect(mob.wiring == MobDefinition.Wiring())
        #expect(mob.limits == MobDefinition.Limits(maxFlowDurationMs: 600_000, maxStepRetries: 0))
        let step = try #require(mob.flows["ask"]?.steps["one"])
        #expect(step.dispatchMode == .fanOut && step.collection == .all && step.failurePolicy == .escalate && step.timeoutMs == nil)
        #expect(step.message.parameters == ["q"])
    }

    @Test("every problem is named with its JSON path")
    func problems() {
        #expect(errors("{") == ["$: is not JSON (check for a missing comma or quote)"])
        #expect(errors("[]") == ["$: is an array, not an object"])
        #expect(errors(#"{"id": "x", "profiles": {"a": {"persona": "nobody"}}}"#)
            == ["$.profiles.a.persona: unknown persona \"nobody\" (personas: contrarian, devils-advocate, first-principles, pragmatist, synthesiser)"])
        #expect(errors(#"{"id": "x", "profiles": {"a": {"persona": "pragmatist"}}, "members": [{"profile": "z", "id": "m"}]}"#)
            == ["$.members[0].profile: unknown profile \"z\" (profiles: a)"])
        #expect(errors(#"{"id": "x", "profiles": {"a": {"persona": "pragmatist"}}, "members": [{"profile": "a", "id": "m"}, {"profile": "a", "id": "m"}]}"#)
            == ["$.members[1].id: duplicate member id \"m\" (first used by $.members[0])"])
        #expect(errors(#"{"id": "x", "profiles": {"a": {"persona": "pragmatist"}}, "orchestrator": "boss"}"#)
            == ["$.orchestrator: unknown profile \"boss\" (profiles: a)"])
        #expect(errors(#"{"id": "x", "profiles": {"a": {"persona": 7}}}"#) == ["$.profiles.a.persona: is a number, not a string"])
        #expect(errors(#"{"profiles": {"a": {"persona": "pragmatist"}}}"#) == ["$.id: is missing"])
        #expect(errors(#"{"id": "a b", "profiles": {"a": {"persona": "pragmatist"}}}"#)
            == ["$.id: \"a b\" is not a valid id: use 1 to 64 letters, digits, '-', '_' or '.'"])
        #expect(errors(#"{"id": "x", "profiles": {}}"#) == ["$.profiles: has no profiles: a mob needs at least one"])
        #expect(errors(#"{"id": "x", "profiles": {"a": {"persona": "pragmatist"}}, "wiring": {"auto_wire_orchestrator": true, "role_wiring": [{"a": "a", "b": "q"}]}}"#)
            == ["$.wiring.auto_wire_orchestrator: is true but the mob names no orchestrator", "$.wiring.role_wiring[0].b: unknown profile \"q\" (profiles: a)"])
    }

    static func flow(_ steps: String, members: String = #"[{"profile": "a", "id": "m1"}, {"profile": "a", "id": "m2"}]"#) -> String {
        #"{"id": "x", "profiles": {"a": {"persona": "pragmatist"}}, "members": \#(members), "flows": {"f": {"steps": {\#(steps)}}}}"#
    }

    @Test("flows: unknown roles and steps, cycles, templates naming steps they do not depend on, fan_in alone, quorums too big")
    func flowProblems() {
        #expect(errors(Self.flow(#""s": {"role": "nobody", "message": "hi"}"#)) == ["$.flows.f.steps.s.role: unknown profile \"nobody\" (profiles: a)"])
        #expect(errors(Self.flow(#""s": {"role": "a", "message": "hi", "depends_on": ["t"]}"#))
            == ["$.flows.f.steps.s.depends_on[0]: unknown step \"t\" (steps: s)"])
        #expect(errors(Self.flow(#""s": {"role": "a", "message": "hi", "depends_on": ["t"]}, "t": {"role": "a", "message": "hi", "depends_on": ["s"]}"#))
            == ["$.flows.f.steps: the steps s → t → s form a cycle"])
        #expect(errors(Self.flow(#""s": {"role": "a", "message": "{{steps.t.output}}"}, "t": {"role": "a", "message": "hi"}"#))
            == ["$.flows.f.steps.s.message: names {{steps.t.output}}, but s does not depend on t (add it to depends_on)"])
        #expect(errors(Self.flow(#""s": {"role": "a", "message": "{{steps.zz.output}}"}"#))
            == ["$.flows.f.steps.s.message: names {{steps.zz.output}}, an unknown step (steps: s)"])
        #expect(errors(Self.flow(#""s": {"role": "a", "message": "hi", "dispatch_mode": "fan_in"}"#))
            == ["$.flows.f.steps.s.dispatch_mode: fan_in gathers the outputs of the steps it depends on, but depends_on is empty"])
        #expect(errors(Self.flow(#""s": {"role": "a", "message": "hi", "collection": {"quorum": 3}}"#))
            == ["$.flows.f.steps.s.collection.quorum: 3 is more than the 2 members of profile a"])
        #expect(errors(Self.flow(#""s": {"role": "a", "message": "hi {{oops"}"#))
            == ["$.flows.f.steps.s.message: a placeholder opened at character 3 is not closed with }}"])
        #expect(errors(Self.flow(#""s": {"role": "a", "message": "{{task}}"}"#))
            == ["$.flows.f.steps.s.message: {{task}} is not a placeholder: use {{params.NAME}} or {{steps.ID.output}}"])
        #expect(errors(Self.flow(#""s": {"role": "a", "message": "hi", "dispatch_mode": "broadcast", "collection": "most", "failure_policy": "ignore"}"#))
            == ["$.flows.f.steps.s.dispatch_mode: \"broadcast\" is not a dispatch mode: use fan_out, one_to_one or fan_in",
                "$.flows.f.steps.s.collection: \"most\" is not a collection: use \"all\", \"any\" or {\"quorum\": N}",
                "$.flows.f.steps.s.failure_policy: \"ignore\" is not a failure policy: use escalate or continue"])
        #expect(errors(Self.flow(#""s": {"role": "a", "message": "hi", "timeout_ms": -5}"#))
            == ["$.flows.f.steps.s.timeout_ms: must be a whole number from 1 to 86400000"])
    }

    @Test("on_task names a flow that only needs params.task")
    func onTask() {
        let base = #"{"id": "x", "profiles": {"a": {"persona": "pragmatist"}}, "flows": {"f": {"steps": {"s": {"role": "a", "message": "{{params.topic}}"}}}}, "on_task": "#
        #expect(errors(base + #""g"}"#) == ["$.on_task: unknown flow \"g\" (flows: f)"])
        #expect(errors(base + #""f"}"#) == ["$.flows.f.steps.s.message: names {{params.topic}}, but on_task runs the flow with params.task only"])
    }

    @Test("unknown fields are warnings, not errors (Meerkat's own fields are taken as they are)")
    func unknownFields() {
        let (mob, diagnostics) = MobDefinition.parse(Array(#"{"id": "x", "colour": 1, "profiles": {"a": {"persona": "pragmatist", "tools": []}}}"#.utf8), personas: personas)
        #expect(mob != nil)
        #expect(diagnostics.map(\.description).contains("$.colour: warning: is not a field mowai knows; it is ignored"))
    }

    @Test("templates render params and outputs, and say what is missing")
    func templates() throws {
        let template = try Template(parsing: "Q: {{ params.q }} / A: {{steps.a.output}}")
        #expect(template.render(parameters: ["q": "why"], outputs: ["a": "because"]) == .success("Q: why / A: because"))
        #expect(template.render(parameters: [:], outputs: ["a": "x"]) == .failure(.parameter("q")))
        #expect(try Template(parsing: "no placeholders {} {").pieces == [.text("no placeholders {} {")])
    }
}

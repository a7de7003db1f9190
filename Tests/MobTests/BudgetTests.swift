import ArenaProtocol
@testable import Mob
import Testing

@Suite("Token budgets")
struct BudgetTests {
    static let team = """
    {"id": "team", "profiles": {"a": {"persona": "pragmatist"}, "b": {"persona": "contrarian"}},
     "members": [{"profile": "a", "id": "ada"}, {"profile": "b", "id": "bob"}],
     "limits": {"member_tokens": 20, "mob_tokens": 30}}
    """

    @Test("a budget_warning at 80 % and at 100 %, each once; a member whose budget is spent runs no more, saying why")
    func memberAndMob() throws {
        var harness = MobHarness(try definition(Self.team))
        #expect(harness.mob.definition.limits.memberTokens == 20 && harness.mob.definition.limits.mobTokens == 30)
        try harness.send(.send(member: "ada", content: "one", mode: .queue))
        harness.answer("ada", "ok", tokens: 7)  // 12 of 20: no warning
        #expect(!harness.eventTypes.contains("budget_warning"))
        try harness.send(.send(member: "ada", content: "two", mode: .queue))
        harness.answer("ada", "ok", tokens: 7)  // 24 of 20: both thresholds at once, one warning; the mob's 24 of 30 is 80 %
        let warnings = harness.events.filter { $0.payload.type == "budget_warning" }
        #expect(warnings.map(\.payload) == [.budgetWarning(member: "ada", budgetType: "tokens", used: 24, limit: 20, percent: 120),
                                            .budgetWarning(member: nil, budgetType: "tokens", used: 24, limit: 30, percent: 80)])
        #expect(warnings.last?.source == "team")
        #expect(warnings.first?.source == "ada")
        #expect(warnings.first?.payload.json == ["type": "budget_warning", "member": "ada", "budget_type": "tokens", "used": 24, "limit": 20,
                                                 "percent": 120])

        // ada's next run is refused; bob still works until the mob's 30 are spent.
        try harness.send(.send(member: "ada", content: "three", mode: .queue))
        #expect(harness.events.last?.payload == .runFailed(runId: "team-run-3", error: "ada has spent its token budget (24 of 20)"))
        #expect(harness.running("ada") == nil && harness.mob.members["ada"]?.queuedRuns == 0)
        try harness.send(.send(member: "bob", content: "four", mode: .queue))
        harness.answer("bob", "ok", tokens: 0)  // the mob: 29 of 30, no threshold newly reached
        #expect(harness.events.filter { $0.payload.type == "budget_warning" }.count == 2)
        try harness.send(.send(member: "bob", content: "five", mode: .queue))
        harness.answer("bob", "ok", tokens: 1)  // 35 of 30: the mob's 100 % warning, then nobody runs
        #expect(harness.events.last { $0.payload.type == "budget_warning" }?.payload
            == .budgetWarning(member: nil, budgetType: "tokens", used: 35, limit: 30, percent: 116))
        try harness.send(.send(member: "bob", content: "six", mode: .queue))
        #expect(harness.events.last?.payload == .runFailed(runId: "team-run-6", error: "mob team has spent its token budget (35 of 30)"))
    }

    @Test("budgets must be whole numbers of at least 1")
    func parsing() {
        let (_, diagnostics) = MobDefinition.parse(Array("""
            {"id": "m", "profiles": {"a": {"persona": "pragmatist"}}, "members": [{"profile": "a"}], "limits": {"member_tokens": 0, "mob_tokens": "lots"}}
            """.utf8), personas: personas)
        let paths = diagnostics.filter { $0.severity == .error }.map(\.path)
        #expect(paths.contains("$.limits.member_tokens") && paths.contains("$.limits.mob_tokens"), "\(diagnostics)")
    }
}

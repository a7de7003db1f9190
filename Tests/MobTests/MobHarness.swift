import ArenaProtocol
import Foundation
@testable import Mob
import Testing

let personas: Set<String> = ["contrarian", "synthesiser", "first-principles", "devils-advocate", "pragmatist"]

/// The repository's mobs/ folder.
let mobsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("mobs")

/// A definition from JSON text, which must be valid.
func definition(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> MobDefinition {
    let (definition, diagnostics) = MobDefinition.parse(Array(json.utf8), personas: personas)
    let errors = diagnostics.filter { $0.severity == .error }
    #expect(errors.isEmpty, "\(errors)", sourceLocation: sourceLocation)
    return try #require(definition, sourceLocation: sourceLocation)
}

/// The errors a definition gets, as `path: problem` lines.
func errors(_ json: String) -> [String] {
    MobDefinition.parse(Array(json.utf8), personas: personas).diagnostics.filter { $0.severity == .error }.map(\.description)
}

/// A mob with a hand-driven clock: tests give inputs, play the agents' part and read effects and events.
struct MobHarness {
    var mob: Mob
    var now: Moment = 1_700_000_000_000
    /// Every effect so far, in order.
    private(set) var effects: [MobEffect] = []

    init(_ definition: MobDefinition, start: Bool = true) {
        mob = Mob(definition: definition, at: now)
        if start { _ = try? send(.start) }
    }

    @discardableResult
    mutating func send(_ input: MobInput) throws(MobError) -> Mob.Outcome {
        let outcome = try mob.handle(input, at: now)
        effects += outcome.effects
        return outcome
    }

    mutating func advance(byMs milliseconds: Int64) {
        now = now + milliseconds
        _ = try? send(.tick)
    }

    /// The agent of `member` reports; returns the effects.
    @discardableResult
    mutating func report(_ member: String, _ report: MemberReport) -> [MobEffect] {
        let generation = mob.members[member]?.generation ?? 1
        return (try? send(.report(member: member, generation: generation, report)))?.effects ?? []
    }

    /// The member answers its running run with a model turn and `output`.
    mutating func answer(_ member: String, _ output: String, tokens: Int = 10) {
        report(member, .turnStarted)
        report(member, .textDelta(output))
        report(member, .turnFinished(.endTurn, TokenUsage(inputTokens: 5, outputTokens: tokens)))
        report(member, .runFinished(output: output))
    }

    var events: [MobEvent] { effects.compactMap { if case .emit(let event) = $0 { event } else { nil } } }
    var eventTypes: [String] { events.map(\.payload.type) }

    /// What each member was given to run, in order.
    var runs: [(member: String, runId: String, text: String)] {
        effects.compactMap { if case .run(let member, _, let runId, let text, _) = $0 { (member, runId, text) } else { nil } }
    }

    func running(_ member: String) -> String? { mob.members[member]?.runningRunId }

    mutating func clearEffects() { effects = [] }
}

let workshopJSON: String = (try? String(contentsOf: mobsFolder.appendingPathComponent("workshop.json"), encoding: .utf8)) ?? ""

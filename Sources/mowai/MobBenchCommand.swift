import Agents
import ArenaProtocol
import ArgumentParser
import Console
import Dispatch
import Foundation
import Inference
import Mob
import MobRuntime
import Personas
import Synchronization

/// `mowai bench mob`: what running mobs costs beside the model (step dispatch, events into the console,
/// a thousand members), and, with the real model, the debate flow's wall time and how full the shared
/// engine's batches were.
struct MobBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mob",
        abstract: "Mob overheads on the stand-in model, and the debate flow on the real one.",
        discussion: "Build with `swift build -c release` (or `make bench`): a debug build is many times slower."
    )

    @Option(help: "Steps of the chained flow timed for dispatch overhead.")
    var steps = 500

    @Option(help: "Members of the big mob whose spawn time and memory are measured.")
    var members = 1000

    @Flag(help: "Skip the run on the real model.")
    var standInOnly = false

    @OptionGroup var model: ModelOption
    @OptionGroup var engine: EngineOptions

    func run() throws {
        try Failure.reporting {
            guard steps > 0, members > 0 else { throw ValidationErrorMessage("--steps and --members must be positive") }
            let core = try Self.coreDispatch(steps: steps)
            print(String(format: "step dispatch, state machine only:        %8.1f µs per step (%d chained steps)", core, steps))
            let hosted = try Self.hostedDispatch(steps: steps)
            print(String(format: "step dispatch, default agent, stand-in:   %8.1f µs per step (dispatch, handle-task, report)", hosted))
            let (events, rate) = try Self.eventsIntoConsole()
            print(String(format: "events through a subscription + reducer:  %8.0f events/s (%d events)", rate, events))
            let (spawnMs, bytes) = try Self.spawn(members: members)
            print(String(format: "%d-member mob: spawn until all started %8.1f ms, memory %.1f MiB (%.1f KiB per member)",
                         members, spawnMs, Double(bytes) / 1_048_576, Double(bytes) / 1024 / Double(members)))
            guard !standInOnly else { return }
            let (seconds, statistics, capacity) = try debate()
            print(String(format: "debate flow on %@: %.1f s wall; %d forward passes, %.2f sequences per pass (most %d of %d), %.1f token rows per pass",
                         (try ModelLocator.path(model.model) as NSString).lastPathComponent, seconds, statistics.passes,
                         statistics.meanSequences, statistics.mostSequences, capacity, statistics.meanRows))
        }
    }

    static let chainMember = "worker"

    /// A mob of one member and a flow of `steps` one_to_one steps, each depending on the one before.
    static func chain(steps: Int) throws -> MobDefinition {
        var flowSteps: [String: Step] = [:]
        for index in 0..<steps {
            let id = String(format: "s%05d", index)
            let previous = index == 0 ? nil : String(format: "s%05d", index - 1)
            flowSteps[id] = Step(role: "w", message: try Template(parsing: previous.map { "go on from {{steps.\($0).output}}" } ?? "start"),
                                 dependsOn: previous.map { [$0] } ?? [], dispatchMode: .oneToOne)
        }
        return MobDefinition(id: "bench", profiles: ["w": .init(persona: "pragmatist")], members: [.init(profile: "w", id: chainMember)],
                             flows: ["chain": Flow(steps: flowSteps)])
    }

    static func microseconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1000 }

    /// The pure mob, its agent played by the loop: what deciding a step costs.
    static func coreDispatch(steps: Int) throws -> Double {
        var mob = Mob(definition: try chain(steps: steps), at: .now())
        _ = try mob.handle(.start, at: .now())
        let start = DispatchTime.now().uptimeNanoseconds
        var pending = try mob.handle(.runFlow("chain", params: [:]), at: .now()).effects
        var done = 0
        while done < steps {
            guard case .run(let member, let generation, _, _, _)? = pending.first(where: { if case .run = $0 { true } else { false } }) else { break }
            pending = try mob.handle(.report(member: member, generation: generation, .runFinished(output: "ok")), at: .now()).effects
            done += 1
        }
        guard mob.runs.first?.status == .completed else { throw ValidationErrorMessage("the chained flow did not complete") }
        return microseconds(since: start) / Double(steps)
    }

    static func standInRuntime() -> MobRuntime { MobRuntime.withDefaultAgent(on: StandInLLM()) }

    /// The same chain with a real Wasm agent on the stand-in model.
    static func hostedDispatch(steps: Int) throws -> Double {
        let runtime = standInRuntime()
        defer { runtime.shutdown() }
        let done = DispatchSemaphore(value: 0)
        runtime.observe { event in if case .flowCompleted = event.payload { done.signal() } }
        try runtime.add(try chain(steps: steps))
        let start = DispatchTime.now().uptimeNanoseconds
        _ = try runtime.startFlow("chain", params: [:], on: "bench")
        guard done.wait(timeout: .now() + 120) == .success else { throw ValidationErrorMessage("the chained flow did not complete in 120 s") }
        return microseconds(since: start) / Double(steps)
    }

    /// Five members each given 200 pieces of work; a subscriber turns every event into a console action.
    static func eventsIntoConsole() throws -> (Int, Double) {
        let runtime = standInRuntime()
        defer { runtime.shutdown() }
        let names = ["a", "b", "c", "d", "e"]
        let definition = MobDefinition(id: "bench", profiles: ["p": .init(persona: "pragmatist")],
                                       members: names.map { .init(profile: "p", id: $0) })
        let subscription = runtime.subscribe(mob: "bench", capacity: 1 << 20)
        try runtime.add(definition)
        let runs = 200
        let consumed = Mutex((events: 0, completed: 0))
        let finished = DispatchSemaphore(value: 0)
        Task.detached {
            var state = State(options: .init(arenaURL: "ws://127.0.0.1:8080", isAdmin: false, observerAgentId: ""), now: .now())
            _ = reduce(&state, .mobAttached(MobView(id: "bench", profiles: ["p"], flows: [],
                                                    members: names.map { MobMemberView(id: $0, profile: "p", agentId: UUID().uuidString) })))
            for await event in subscription {
                _ = reduce(&state, .mob(event))
                let completed = consumed.withLock { counts -> Int in
                    counts.events += 1
                    if case .runCompleted = event.payload { counts.completed += 1 }
                    return counts.completed
                }
                if completed == runs * names.count { finished.signal(); return }
            }
        }
        let start = DispatchTime.now().uptimeNanoseconds
        for index in 0..<runs {
            for name in names { try runtime.perform(.send(member: name, content: "work \(index)", mode: .queue), on: "bench") }
        }
        guard finished.wait(timeout: .now() + 120) == .success else { throw ValidationErrorMessage("the runs did not complete in 120 s") }
        let seconds = microseconds(since: start) / 1_000_000
        let events = consumed.withLock { $0.events }
        subscription.close()
        return (events, Double(events) / seconds)
    }

    /// A mob of `members` members of one profile: spawn until every agent has started, and memory.
    static func spawn(members count: Int) throws -> (Double, Int) {
        let runtime = standInRuntime()
        defer { runtime.shutdown() }
        let started = Mutex(0)
        let all = DispatchSemaphore(value: 0)
        runtime.observe { event in
            if case .memberLog(_, let text) = event.payload, text.hasPrefix("initialised") {
                if started.withLock({ value -> Int in value += 1; return value }) == count { all.signal() }
            }
        }
        let definition = MobDefinition(id: "big", profiles: ["p": .init(persona: "pragmatist")],
                                       members: (0..<count).map { .init(profile: "p", id: "m\($0)") })
        let before = AgentBench.residentBytes()
        let start = DispatchTime.now().uptimeNanoseconds
        try runtime.add(definition)
        guard all.wait(timeout: .now() + 120) == .success else { throw ValidationErrorMessage("\(count) members did not start in 120 s") }
        return (microseconds(since: start) / 1000, max(0, AgentBench.residentBytes() - before))
    }

    /// The workshop's debate on the real model: wall time, and the engine's batch figures.
    func debate() throws -> (Double, BatchStatistics, Int) {
        let workshop = try BuiltInMobs.load("workshop")
        let llm = try engine.load(try model.open(), sequences: 8, contextLength: 4096, notices: noticeOnStandardError)
        let catalog = PersonaCatalog()
        let runtime = MobRuntime { _, profile, member in
            let persona = try catalog.persona(named: profile.persona)
            return MemberSetup(binary: try AgentBinary.defaultAgent(),
                               config: AgentConfig(name: member, color: "#808080", persona: persona.name, personaPrompt: persona.prompt), llm: llm)
        }
        defer { runtime.shutdown() }
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<FlowRun.Status?>(nil)
        runtime.observe { event in
            switch event.payload {
            case .flowCompleted: outcome.withLock { $0 = .completed }; done.signal()
            case .flowFailed: outcome.withLock { $0 = .failed }; done.signal()
            default: break
            }
        }
        try runtime.add(workshop.definition)
        let start = DispatchTime.now().uptimeNanoseconds
        _ = try runtime.startFlow("debate", params: ["task": "Suggest one way a small town can save water."], on: "workshop")
        guard done.wait(timeout: .now() + 600) == .success, outcome.withLock({ $0 }) == .completed else {
            throw ValidationErrorMessage("the debate did not complete")
        }
        return (Self.microseconds(since: start) / 1_000_000, llm.batchStatistics, llm.sequenceCapacity)
    }
}

import Agents
import ArenaProtocol
import Dispatch
import Mob
import Synchronization
import LLMInterface

/// What a member needs to run: its agent's module, its configuration (persona prompt included) and the
/// model it shares with the others.
public struct MemberSetup: Sendable {
    public let binary: AgentBinary
    public let config: AgentConfig
    public let llm: (any LLM)?

    public init(binary: AgentBinary, config: AgentConfig, llm: (any LLM)?) {
        self.binary = binary
        self.config = config
        self.llm = llm
    }
}

public enum MobRuntimeError: Error, Equatable, CustomStringConvertible {
    case unknownMob(String, known: [String])
    case duplicateMob(String)
    case mob(MobError)

    public var description: String {
        switch self {
        case .unknownMob(let id, let known): "no mob \"\(id)\" (mobs: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
        case .duplicateMob(let id): "a mob \(id) is already running"
        case .mob(let error): error.description
        }
    }
}

/// The in-process runtime of mobs: each `Mob` (the pure state machine) with its members' agents, one
/// `LocalAgent` per member generation, sharing the process's models. Everything that changes a mob
/// runs on one serial queue, in order: commands, agents' reports, the clock, arena tasks. Events go to
/// push subscriptions as they happen.
public final class MobRuntime: @unchecked Sendable {
    public typealias Resolver = @Sendable (_ mob: MobDefinition, _ profile: MobDefinition.Profile, _ member: String) throws -> MemberSetup

    private let queue = DispatchQueue(label: "mowai-mobs")
    private let resolve: Resolver
    private let limits: SandboxLimits
    // Owned by `queue`.
    private var mobs: [String: Mob] = [:]
    private var mobOrder: [String] = []
    private var agents: [String: LocalAgent] = [:]
    private var agentIds: [String: String] = [:]
    private var random = SystemRandomNumberGenerator()
    private var ticker: DispatchSourceTimer?

    private let subscriptions = Mutex<(next: Int, open: [Int: MobSubscription])>((1, [:]))
    /// Every event also goes here (the console's inbox, a headless printer), in order.
    private let observers = Mutex<[@Sendable (MobEvent) -> Void]>([])
    /// The arena the members take part in, if any.
    private let arenaMembers = Mutex<MobArena?>(nil)

    public init(limits: SandboxLimits = SandboxLimits(), resolve: @escaping Resolver) {
        self.limits = limits
        self.resolve = resolve
    }

    /// A runtime whose members all run mowai's default agent on `llm`, named after themselves, with no
    /// persona prompt: for benchmarks and tests of the runtime itself.
    public static func withDefaultAgent(on llm: any LLM) -> MobRuntime {
        let binary = Mutex<AgentBinary?>(nil)
        return MobRuntime { _, profile, member in
            let agent = try binary.withLock { cached in
                if let cached { return cached }
                let loaded = try AgentBinary.defaultAgent()
                cached = loaded
                return loaded
            }
            return MemberSetup(binary: agent, config: AgentConfig(name: member, color: "#808080", persona: profile.persona, personaPrompt: ""),
                               llm: llm)
        }
    }

    // MARK: Mobs

    /// Starts a mob: its members are spawned and wired, and take part in the arena if one is set.
    @discardableResult
    public func add(_ definition: MobDefinition) throws(MobRuntimeError) -> String {
        let result: Result<String, MobRuntimeError> = queue.sync {
            guard mobs[definition.id] == nil else { return .failure(.duplicateMob(definition.id)) }
            mobs[definition.id] = Mob(definition: definition, at: .now())
            mobOrder.append(definition.id)
            startTicking()
            return handle(.start, on: definition.id)
        }
        return try result.get()
    }

    /// Carries out a command (spawn, send, run a flow…) and says what happened.
    @discardableResult
    public func perform(_ input: MobInput, on mobId: String) throws(MobRuntimeError) -> String {
        // Observers run on the queue: one that called back in here would wait for itself.
        dispatchPrecondition(condition: .notOnQueue(queue))
        return try queue.sync { handle(input, on: mobId) }.get()
    }

    /// Starts a run of a flow; returns the run's id (its events name it).
    public func startFlow(_ flowId: String, params: [String: String], on mobId: String) throws(MobRuntimeError) -> String {
        try queue.sync { handle(.runFlow(flowId, params: params), on: mobId).map { _ in mobs[mobId]?.runs.last?.id ?? "" } }.get()
    }

    /// Wires members of two mobs to each other, both sides or neither.
    public func wireAcross(_ a: MemberRef, _ b: MemberRef) throws(MobRuntimeError) -> String {
        dispatchPrecondition(condition: .notOnQueue(queue))
        let result: Result<String, MobRuntimeError> = queue.sync {
            let wasWired = mobs[a.mob]?.members[a.member]?.externalPeers.contains(b) == true
            let first = handle(.wireExternal(a.member, b), on: a.mob)
            guard case .success = first else { return first }
            let second = handle(.wireExternal(b.member, a), on: b.mob)
            // Undo only what this call made: a wire that was there before stays.
            if case .failure = second, !wasWired { _ = handle(.unwireExternal(a.member, b), on: a.mob) }
            return second.map { _ in "wired \(a) and \(b)" }
        }
        return try result.get()
    }

    /// Unwires members of two mobs, both sides.
    public func unwireAcross(_ a: MemberRef, _ b: MemberRef) throws(MobRuntimeError) -> String {
        dispatchPrecondition(condition: .notOnQueue(queue))
        let result: Result<String, MobRuntimeError> = queue.sync {
            handle(.unwireExternal(a.member, b), on: a.mob).flatMap { _ in handle(.unwireExternal(b.member, a), on: b.mob) }
                .map { _ in "unwired \(a) and \(b)" }
        }
        return try result.get()
    }

    /// A snapshot of a mob's state: members, their status and work, flow runs and their ledgers.
    public func snapshot(of mobId: String) -> Mob? { queue.sync { mobs[mobId] } }

    public var mobIds: [String] { queue.sync { mobOrder } }

    /// The arena agentId a member joins with (the same across its respawns).
    public func agentId(mob: String, member: String) -> String {
        queue.sync { agentId(for: "\(mob)/\(member)") }
    }

    private func agentId(for key: String) -> String {
        if let id = agentIds[key] { return id }
        let id = UUIDv4.make(using: &random)
        agentIds[key] = id
        return id
    }

    // MARK: Subscriptions

    /// Events of a whole mob, or of one member, pushed as they happen. `capacity` bounds what waits.
    public func subscribe(mob mobId: String, member: String? = nil, capacity: Int = 4096) -> MobSubscription {
        subscriptions.withLock { state in
            let id = state.next
            state.next += 1
            let subscription = MobSubscription(id: id, mobId: mobId, member: member, capacity: capacity) { [weak self] id in
                _ = self?.subscriptions.withLock { $0.open.removeValue(forKey: id) }
            }
            state.open[id] = subscription
            return subscription
        }
    }

    /// Calls `observer` with every event of every mob, on the runtime's queue (keep it quick).
    public func observe(_ observer: @escaping @Sendable (MobEvent) -> Void) {
        observers.withLock { $0.append(observer) }
    }

    // MARK: The arena

    /// From now on, members take part in the arena at `url` as ordinary participants.
    public func join(_ arena: MobArena) {
        arenaMembers.withLock { $0 = arena }
        arena.runtime = self
    }

    func arenaTask(mob mobId: String, taskId: String, description: String) {
        queue.async { _ = self.handle(.arenaTask(taskId: taskId, description: description), on: mobId) }
    }

    func arenaThought(mob mobId: String, member: String, from peer: String, text: String) {
        queue.async {
            guard let generation = self.mobs[mobId]?.members[member]?.generation,
                  let agent = self.agents["\(mobId)/\(member)#\(generation)"] else { return }
            agent.deliverPeerThought(peerId: peer, taskId: nil, thought: text)
        }
    }

    func arenaNote(mob mobId: String, member: String, text: String) {
        queue.async { self.report(.log(level: "info", text: text), mob: mobId, member: member, generation: nil) }
    }

    // MARK: Stopping

    /// Stops every member's agent (model calls are canceled) and leaves the arena; waits up to
    /// `timeout` seconds per agent.
    public func shutdown(timeout: Double = 1) {
        let running: [LocalAgent] = queue.sync {
            ticker?.cancel()
            ticker = nil
            // Every member retires: subscribers see each one go, not fail.
            for mobId in mobOrder {
                for member in mobs[mobId]?.activeMembers ?? [] { _ = handle(.retire(member.id), on: mobId) }
            }
            return Array(agents.values)
        }
        arenaMembers.withLock { $0 }?.leave()
        for agent in running { agent.stop(timeout: timeout) }
        // What the agents reported on their way out is handled before subscriptions end.
        queue.sync { agents.removeAll() }
        let open = subscriptions.withLock { Array($0.open.values) }
        for subscription in open { subscription.close() }
    }

    // MARK: On the queue

    private func handle(_ input: MobInput, on mobId: String) -> Result<String, MobRuntimeError> {
        guard var mob = mobs[mobId] else { return .failure(.unknownMob(mobId, known: mobOrder)) }
        do {
            let outcome = try mob.handle(input, at: .now())
            mobs[mobId] = mob
            apply(outcome.effects, mob: mobId)
            return .success(outcome.reply)
        } catch {
            return .failure(.mob(error))
        }
    }

    private func report(_ report: MemberReport, mob mobId: String, member: String, generation: Int?) {
        guard let generation = generation ?? mobs[mobId]?.members[member]?.generation else { return }
        _ = handle(.report(member: member, generation: generation, report), on: mobId)
    }

    private func apply(_ effects: [MobEffect], mob mobId: String) {
        let arena = arenaMembers.withLock { $0 }
        for effect in effects {
            switch effect {
            case .startMember(let member, let generation, let profile):
                startAgent(mob: mobId, member: member, generation: generation, profile: profile)
            case .stopMember(let member, let generation):
                agents["\(mobId)/\(member)#\(generation)"]?.requestStop()
            case .run(let member, let generation, let runId, let text, _):
                agents["\(mobId)/\(member)#\(generation)"]?.submitTask(taskId: runId, description: text)
            case .cancelRun(let member, let generation, let runId):
                agents["\(mobId)/\(member)#\(generation)"]?.abandonCurrentTask(runId)
            case .deliverThought(let to, let generation, let from, let text):
                agents["\(mobId)/\(to)#\(generation)"]?.deliverPeerThought(peerId: from, taskId: nil, thought: text)
            case .deliverExternal(let peer, let from, let text):
                queue.async { _ = self.handle(.externalThought(member: peer.member, from: MemberRef(mob: mobId, member: from), text: text), on: peer.mob) }
            case .arenaPost(let member, let taskId, let post):
                arena?.post(post, as: "\(mobId)/\(member)", taskId: taskId)
            case .emit(let event):
                publish(event)
            }
        }
    }

    private func publish(_ event: MobEvent) {
        for observer in observers.withLock({ $0 }) { observer(event) }
        for subscription in subscriptions.withLock({ Array($0.open.values) }) where subscription.wants(event) {
            subscription.deliver(event)
        }
    }

    private func startAgent(mob mobId: String, member: String, generation: Int, profile profileName: String) {
        guard let definition = mobs[mobId]?.definition, let profile = definition.profiles[profileName] else { return }
        let setup: MemberSetup
        do {
            setup = try resolve(definition, profile, member)
        } catch {
            // Reported after this input is done: the mob hears of it as the agent's failure.
            queue.async { self.report(.failed("could not start: \(error)"), mob: mobId, member: member, generation: generation) }
            return
        }
        let key = "\(mobId)/\(member)"
        let agentId = agentId(for: key)
        let agent = LocalAgent(binary: setup.binary, config: setup.config, llm: setup.llm, limits: limits) { [weak self] event in
            guard let runtime = self else { return }
            runtime.queue.async { runtime.agentDid(event, mob: mobId, member: member, generation: generation, agentId: agentId) }
        }
        agents["\(key)#\(generation)"] = agent
        agent.start()
    }

    /// Turns what a member's agent did into a report for its mob.
    private func agentDid(_ event: AgentEvent, mob mobId: String, member: String, generation: Int, agentId: String) {
        let key = "\(mobId)/\(member)"
        switch event {
        case .started(let info):
            report(.log(level: "info", text: "initialised: \(info.name) \(info.version) as \(info.persona)"), mob: mobId, member: member, generation: generation)
            arenaMembers.withLock { $0 }?.memberStarted(key, agentId: agentId, generation: generation, info: info)
        case .taskReceived, .taskSkipped:
            break
        case .thinking:
            report(.turnStarted, mob: mobId, member: member, generation: generation)
        case .llmText(let text):
            report(.textDelta(text), mob: mobId, member: member, generation: generation)
        case .llmFinished(let call):
            let reason: StopReason = call.finishReason == .maxTokens || call.finishReason == .contextFull ? .maxTokens
                : call.finishReason == .stopString ? .stopSequence : .endTurn
            report(.turnFinished(reason, TokenUsage(inputTokens: call.promptTokens, outputTokens: call.generatedTokens)),
                   mob: mobId, member: member, generation: generation)
        case .llmRetrying(let retry):
            report(.retrying(attempt: retry.attempt, maxAttempts: retry.maxAttempts, delayMs: retry.delayMs, error: retry.error),
                   mob: mobId, member: member, generation: generation)
        case .llmFailed(let reason):
            report(.log(level: "error", text: "model: \(reason)"), mob: mobId, member: member, generation: generation)
            report(.turnFinished(.error, TokenUsage()), mob: mobId, member: member, generation: generation)
        case .broadcast(let taskId, let content):
            // The agent's task id is the run id the mob gave it.
            report(.thought(content, runId: taskId), mob: mobId, member: member, generation: generation)
        case .responded(_, let content, _):
            report(.runFinished(output: content), mob: mobId, member: member, generation: generation)
        case .log(let level, let text):
            report(.log(level: level.rawValue, text: text), mob: mobId, member: member, generation: generation)
        case .output(let text):
            report(.log(level: "output", text: text), mob: mobId, member: member, generation: generation)
        case .warning(let text):
            report(.log(level: "warn", text: text), mob: mobId, member: member, generation: generation)
        case .failed(let reason):
            agents["\(key)#\(generation)"] = nil
            arenaMembers.withLock { $0 }?.memberEnded(key, generation: generation)
            report(.failed(reason), mob: mobId, member: member, generation: generation)
        case .stopped:
            agents["\(key)#\(generation)"] = nil
            arenaMembers.withLock { $0 }?.memberEnded(key, generation: generation)
            report(.stopped, mob: mobId, member: member, generation: generation)
        }
    }

    /// Deadlines (step timeouts, flow limits) are checked five times a second while anything runs.
    private func startTicking() {
        guard ticker == nil else { return }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .milliseconds(200), repeating: .milliseconds(200))
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            for mobId in self.mobOrder where self.mobs[mobId]?.nextDeadline != nil {
                _ = self.handle(.tick, on: mobId)
            }
        }
        timer.resume()
        ticker = timer
    }
}

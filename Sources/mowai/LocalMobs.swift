import Agents
import ArenaProtocol
import Console
import Foundation
import Inference
import Mob
import MobRuntime
import Personas
import Synchronization
import WebSocketClient
import LLMInterface

/// The mobs `mowai tui` hosts: one runtime whose members join the console's arena. Each mob's events
/// come through a push subscription and become console actions, in order.
final class LocalMobs: Sendable {
    let runtime: MobRuntime
    private let inbox: ActionInbox
    private let readers = Mutex<[Task<Void, Never>]>([])

    /// `resolvers` make the members of each mob, by mob id.
    init(arena url: WebSocketURL, hub: WebSocketHub, limits: SandboxLimits, inbox: ActionInbox,
         resolvers: [String: MobRuntime.Resolver]) {
        runtime = MobRuntime(limits: limits) { definition, profile, member in
            guard let resolve = resolvers[definition.id] else { throw ValidationErrorMessage("no agents for mob \(definition.id)") }
            return try resolve(definition, profile, member)
        }
        runtime.join(MobArena(url: url, hub: hub))
        self.inbox = inbox
    }

    /// Starts a mob: the console lists its members first (with the model each uses: `modelLabel` of
    /// its profile's `model`), then follows its events.
    func start(_ definition: MobDefinition, modelLabel: @escaping @Sendable (String?) -> String = { _ in "" }) throws {
        let (runtime, inbox) = (runtime, inbox)
        let subscription = runtime.subscribe(mob: definition.id)
        let model = { @Sendable (profile: String) in modelLabel(definition.profiles[profile]?.model) }
        let members = definition.members.map { spec in
            MobMemberView(id: spec.id, profile: spec.profile, agentId: runtime.agentId(mob: definition.id, member: spec.id),
                          model: model(spec.profile))
        }
        inbox.post(.mobAttached(MobView(id: definition.id, profiles: definition.profiles.keys.sorted(),
                                        flows: Self.outlines(of: definition), members: members)))
        let reader = Task.detached {
            var known = Set(definition.members.map(\.id))
            for await event in subscription {
                // A member spawned later (/spawn) is listed, with the agentId it joins with, before its events.
                if case .memberSpawned(let member, let profile, _) = event.payload, known.insert(member).inserted {
                    inbox.post(.mobMemberAdded(mob: definition.id, MobMemberView(
                        id: member, profile: profile, agentId: runtime.agentId(mob: definition.id, member: member), model: model(profile))))
                }
                // A console that falls behind leaves the events in the subscription's bounded buffer, which
                // drops and says how many, rather than in its own queue without bound.
                await inbox.post(.mob(event), waitingBelow: Self.queuedEventLimit)
            }
        }
        readers.withLock { $0.append(reader) }
        do {
            try runtime.add(definition)
        } catch {
            subscription.close()
            throw error
        }
    }

    /// Mob events the console may have waiting before their subscription holds the rest.
    static let queuedEventLimit = 2048

    static func outlines(of definition: MobDefinition) -> [FlowOutline] {
        definition.flows.keys.sorted().compactMap { id in
            guard let flow = definition.flows[id] else { return nil }
            return FlowOutline(id: id, steps: flow.order.compactMap { step in flow.steps[step].map { (step, $0.role) } },
                               parameters: Set(flow.steps.values.flatMap(\.message.parameters)).sorted())
        }
    }

    /// Carries out a console command and words the outcome as a notice.
    func perform(_ command: MobRequest) {
        let (runtime, inbox) = (runtime, inbox)
        Task.detached {
            do {
                let reply: String
                switch command {
                case .runFlow(let mob, let flow, let params):
                    reply = "Flow \(flow) started as \(try runtime.startFlow(flow, params: params, on: mob))"
                case .send(let mob, let member, let text, let mode):
                    reply = try runtime.perform(.send(member: member, content: text, mode: mode), on: mob)
                case .spawn(let mob, let profile, let id):
                    reply = try runtime.perform(.spawn(profile: profile, id: id), on: mob)
                case .retire(let mob, let member):
                    reply = try runtime.perform(.retire(member), on: mob)
                case .wire(let a, let b):
                    reply = a.mob == b.mob ? try runtime.perform(.wire(a.member, b.member), on: a.mob) : try runtime.wireAcross(a, b)
                case .unwire(let a, let b):
                    reply = a.mob == b.mob ? try runtime.perform(.unwire(a.member, b.member), on: a.mob) : try runtime.unwireAcross(a, b)
                }
                inbox.post(.notice(.success, Self.sentence(reply)))
            } catch {
                inbox.post(.notice(.error, Self.sentence("\(error)")))
            }
        }
    }

    private static func sentence(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }

    /// Every member leaves the arena and its thread ends (model calls are canceled).
    func stop() {
        runtime.shutdown(timeout: 1)
        for reader in readers.withLock({ $0 }) { reader.cancel() }
    }
}

/// The members of `mowai tui --agent … --persona …`: an ad-hoc mob with no flow, each member answering
/// the arena's tasks itself, made exactly as the options say (name, colour, agent, persona).
enum AdHocMob {
    static let id = "local"

    static func make(from specs: [AgentSpec], llm: any LLM) -> (MobDefinition, MobRuntime.Resolver) {
        var profiles: [String: MobDefinition.Profile] = [:]
        var members: [MobDefinition.MemberSpec] = []
        var setups: [String: MemberSetup] = [:]
        for spec in specs {
            let member = DefinitionSafeName.make(spec.config.name, avoiding: Set(setups.keys))
            profiles[spec.config.persona] = MobDefinition.Profile(persona: spec.config.persona)
            members.append(MobDefinition.MemberSpec(profile: spec.config.persona, id: member))
            var config = spec.config
            config.name = member
            setups[member] = MemberSetup(binary: spec.binary, config: config, llm: llm)
        }
        let definition = MobDefinition(id: id, profiles: profiles, members: members)
        let made = setups
        return (definition, { _, _, member in
            guard let setup = made[member] else { throw ValidationErrorMessage("no agent for \(member)") }
            return setup
        })
    }
}

/// Member ids are identifiers; agent names given on the command line may not be.
enum DefinitionSafeName {
    static func make(_ name: String, avoiding used: Set<String>) -> String {
        var base = String(name.unicodeScalars.map { scalar in
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_.".unicodeScalars.contains(scalar) ? Character(scalar) : "-"
        }.prefix(56))
        if base.isEmpty || base == AdHocMob.id { base = "agent" }
        var candidate = base
        var number = 2
        while used.contains(candidate) {
            candidate = "\(base)-\(number)"
            number += 1
        }
        return candidate
    }
}

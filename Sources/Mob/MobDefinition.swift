/// A mob as its JSON file describes it (docs/MOBS.md): profiles, the members spawned at start, who hears
/// whom, and the flows that turn one task into several members' work. Decoded and checked by
/// `MobDefinition.parse`; every value here has passed validation.
public struct MobDefinition: Sendable, Equatable {
    public var id: String
    /// The profile whose members are wired to everybody when `wiring.autoWireOrchestrator` is set.
    public var orchestrator: String?
    public var profiles: [String: Profile]
    /// Spawned at start, in this order.
    public var members: [MemberSpec]
    public var wiring: Wiring
    public var flows: [String: Flow]
    /// The flow each arena task runs (with `params.task` = the task's text); without one, members answer
    /// arena tasks themselves.
    public var onTask: String?
    public var limits: Limits

    public init(id: String, orchestrator: String? = nil, profiles: [String: Profile], members: [MemberSpec],
                wiring: Wiring = Wiring(), flows: [String: Flow] = [:], onTask: String? = nil, limits: Limits = Limits()) {
        self.id = id
        self.orchestrator = orchestrator
        self.profiles = profiles
        self.members = members
        self.wiring = wiring
        self.flows = flows
        self.onTask = onTask
        self.limits = limits
    }

    public struct Profile: Sendable, Equatable {
        /// A built-in persona or ./personas/NAME.
        public var persona: String
        /// A Wasm agent (a path relative to the definition's folder); nil runs the default agent.
        public var agent: String?
        /// The model its members use; nil shares the default model.
        public var model: String?
        /// How other members and people should think of its members.
        public var peerDescription: String?

        public init(persona: String, agent: String? = nil, model: String? = nil, peerDescription: String? = nil) {
            self.persona = persona
            self.agent = agent
            self.model = model
            self.peerDescription = peerDescription
        }
    }

    public struct MemberSpec: Sendable, Equatable {
        public var profile: String
        public var id: String

        public init(profile: String, id: String) {
            self.profile = profile
            self.id = id
        }
    }

    public struct Wiring: Sendable, Equatable {
        /// Wire every member of the orchestrator's profile to every other member.
        public var autoWireOrchestrator: Bool
        /// Every member of profile `a` is wired to every member of profile `b`.
        public var roleWiring: [RolePair]

        public init(autoWireOrchestrator: Bool = false, roleWiring: [RolePair] = []) {
            self.autoWireOrchestrator = autoWireOrchestrator
            self.roleWiring = roleWiring
        }
    }

    public struct RolePair: Sendable, Equatable {
        public var a: String
        public var b: String

        public init(a: String, b: String) {
            self.a = a
            self.b = b
        }
    }

    public struct Limits: Sendable, Equatable {
        public var maxFlowDurationMs: Int64
        public var maxStepRetries: Int
        /// Tokens (prompt and generated) each member may use; nil for no limit.
        public var memberTokens: Int64?
        /// Tokens all members together may use; nil for no limit.
        public var mobTokens: Int64?

        public init(maxFlowDurationMs: Int64 = 600_000, maxStepRetries: Int = 0, memberTokens: Int64? = nil, mobTokens: Int64? = nil) {
            self.maxFlowDurationMs = maxFlowDurationMs
            self.maxStepRetries = maxStepRetries
            self.memberTokens = memberTokens
            self.mobTokens = mobTokens
        }
    }
}

/// A directed acyclic graph of steps.
public struct Flow: Sendable, Equatable {
    public let description: String
    public let steps: [String: Step]
    /// Steps in an order where each comes after what it depends on; ties by id, so runs are repeatable.
    /// (Worked out once: the scheduler walks it after every event.)
    public let order: [String]
    /// Steps nothing depends on: their outputs are the flow's output.
    public let terminalSteps: [String]
    /// For each step, the steps that depend on it.
    let dependents: [String: [String]]
    /// Each step's place in `order`.
    let position: [String: Int]

    public init(description: String = "", steps: [String: Step]) {
        self.description = description
        self.steps = steps
        order = Self.topologicalOrder(of: steps)
        let needed = Set(steps.values.flatMap(\.dependsOn))
        terminalSteps = order.filter { !needed.contains($0) }
        var dependents: [String: [String]] = [:]
        for id in order {
            for dependency in Set(steps[id]?.dependsOn ?? []) { dependents[dependency, default: []].append(id) }
        }
        self.dependents = dependents
        position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
    }

    public static func == (lhs: Flow, rhs: Flow) -> Bool {
        lhs.description == rhs.description && lhs.steps == rhs.steps
    }

    private static func topologicalOrder(of steps: [String: Step]) -> [String] {
        var placed: [String] = []
        var done: Set<String> = []
        var remaining = steps.keys.sorted()
        while !remaining.isEmpty {
            guard let next = remaining.firstIndex(where: { id in steps[id]?.dependsOn.allSatisfy(done.contains) ?? true }) else {
                // A cycle: validation refuses it; the rest keeps its id order rather than looping.
                return placed + remaining
            }
            let id = remaining.remove(at: next)
            placed.append(id)
            done.insert(id)
        }
        return placed
    }
}

public struct Step: Sendable, Equatable {
    /// The profile whose members do this step.
    public var role: String
    public var message: Template
    public var dependsOn: [String]
    public var dispatchMode: DispatchMode
    public var collection: Collection
    /// How long the step may take; nil: as long as the flow may.
    public var timeoutMs: Int64?
    public var failurePolicy: FailurePolicy

    public init(role: String, message: Template, dependsOn: [String] = [], dispatchMode: DispatchMode = .fanOut,
                collection: Collection = .all, timeoutMs: Int64? = nil, failurePolicy: FailurePolicy = .escalate) {
        self.role = role
        self.message = message
        self.dependsOn = dependsOn
        self.dispatchMode = dispatchMode
        self.collection = collection
        self.timeoutMs = timeoutMs
        self.failurePolicy = failurePolicy
    }
}

public enum DispatchMode: String, Sendable, Equatable, CaseIterable {
    /// Every active member of the role.
    case fanOut = "fan_out"
    /// The role's first active member.
    case oneToOne = "one_to_one"
    /// One member, given the outputs of the step's dependencies.
    case fanIn = "fan_in"
}

public enum Collection: Sendable, Equatable {
    /// Every target must answer.
    case all
    /// The first answer completes the step; the others are canceled.
    case any
    /// This many answers complete the step.
    case quorum(Int)

    public var jsonValue: String {
        switch self {
        case .all: "all"
        case .any: "any"
        case .quorum(let count): "quorum \(count)"
        }
    }
}

public enum FailurePolicy: String, Sendable, Equatable, CaseIterable {
    /// The flow fails with the step.
    case escalate
    /// The flow goes on; the step's output says it failed.
    case `continue`
}

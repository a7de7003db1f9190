import Mob

/// A mob this console hosts, as far as the console shows it: its members (grouped in the roster), the
/// flows it can run, and the latest flow run's steps.
public struct MobView: Equatable, Sendable {
    public var id: String
    public var profiles: [String]
    public var flows: [FlowOutline]
    public var members: [MobMemberView]
    public var flowRun: FlowRunView?

    public init(id: String, profiles: [String], flows: [FlowOutline], members: [MobMemberView]) {
        self.id = id
        self.profiles = profiles
        self.flows = flows
        self.members = members
    }

    public func flow(_ id: String) -> FlowOutline? { flows.first { $0.id == id } }

    public func member(_ id: String) -> MobMemberView? { members.first { $0.id == id } }

    /// Members in the order the roster lists them: grouped by role, roles in the order they first appear.
    public var membersByRole: [MobMemberView] {
        var roles: [String] = []
        for member in members where !roles.contains(member.profile) { roles.append(member.profile) }
        return roles.flatMap { role in members.filter { $0.profile == role } }
    }
}

/// What the console needs of a flow: its steps in order, the roles that do them, the params it needs.
public struct FlowOutline: Equatable, Sendable {
    public var id: String
    public var steps: [(id: String, role: String)]
    public var parameters: [String]

    public init(id: String, steps: [(id: String, role: String)], parameters: [String]) {
        self.id = id
        self.steps = steps
        self.parameters = parameters
    }

    public static func == (lhs: FlowOutline, rhs: FlowOutline) -> Bool {
        lhs.id == rhs.id && lhs.parameters == rhs.parameters && lhs.steps.map(\.id) == rhs.steps.map(\.id)
            && lhs.steps.map(\.role) == rhs.steps.map(\.role)
    }
}

public struct MobMemberView: Equatable, Sendable {
    public var id: String
    public var profile: String
    /// The arena agentId it joins with: its roster row and console.
    public var agentId: String
    public var status: MemberStatus
    /// Input and output tokens of every model turn so far.
    public var tokens: Int
    /// The model it thinks with ("SmolLM2-135M-Instruct.Q4_1.gguf", "openai:gpt-4o-mini"); empty if unknown.
    public var model: String

    public init(id: String, profile: String, agentId: String, status: MemberStatus = .active, tokens: Int = 0, model: String = "") {
        self.id = id
        self.profile = profile
        self.agentId = agentId
        self.status = status
        self.tokens = tokens
        self.model = model
    }
}

/// A flow run as the flow pane shows it.
public struct FlowRunView: Equatable, Sendable {
    public var runId: String
    public var flowId: String
    public var status: FlowRun.Status
    public var steps: [FlowStepView]

    public struct FlowStepView: Equatable, Sendable {
        public var id: String
        public var role: String
        public var state: StepRun.State
        /// Who was asked, and how it went.
        public var targets: [(member: String, state: TargetRun.State)]

        public static func == (lhs: FlowStepView, rhs: FlowStepView) -> Bool {
            lhs.id == rhs.id && lhs.role == rhs.role && lhs.state == rhs.state
                && lhs.targets.map(\.member) == rhs.targets.map(\.member) && lhs.targets.map(\.state) == rhs.targets.map(\.state)
        }
    }
}

/// What the console asks of the mobs it hosts (the shell performs it and words the outcome).
public enum MobRequest: Equatable, Sendable {
    case runFlow(mob: String, flow: String, params: [String: String])
    case send(mob: String, member: String, text: String, mode: HandlingMode)
    case spawn(mob: String, profile: String, id: String?)
    case retire(mob: String, member: String)
    case wire(MemberRef, MemberRef)
    case unwire(MemberRef, MemberRef)
}

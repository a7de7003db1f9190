import ArenaProtocol
import Mob

/// The mobs this console hosts: their events (pushed by the runtime) become roster rows, member
/// consoles and the flow pane.
extension State {
    /// A mob started: its members are listed (as local agents, "starting") before they join the arena.
    mutating func attach(_ mob: MobView) {
        if let index = mobs.firstIndex(where: { $0.id == mob.id }) { mobs[index] = mob } else { mobs.append(mob) }
        for member in mob.members { addMember(member, of: mob.id) }
    }

    mutating func addMember(_ member: MobMemberView, of mobId: String) {
        guard let mobIndex = mobs.firstIndex(where: { $0.id == mobId }) else { return }
        if let index = mobs[mobIndex].members.firstIndex(where: { $0.id == member.id }) {
            mobs[mobIndex].members[index].agentId = member.agentId
        } else {
            mobs[mobIndex].members.append(member)
        }
        addLocalAgent(RosterEntry(agentId: member.agentId, slot: 0, name: member.id, color: "", persona: member.profile,
                                  version: "", connectedAt: 0))
    }

    mutating func receive(_ event: MobEvent) {
        guard let mobIndex = mobs.firstIndex(where: { $0.id == event.mobId }) else { return }
        let member = mobs[mobIndex].members.first { $0.id == event.source }
        switch event.payload {
        case .memberSpawned(let id, _, let generation):
            setStatus(.active, of: id, in: mobIndex)
            if let agentId = member?.agentId, generation > 1 {
                localAgent(agentId, did: .lifecycle("respawned (generation \(generation))", activity: .starting))
            }
        case .memberRetired(let id, _):
            setStatus(.retired, of: id, in: mobIndex)
            if let agentId = member?.agentId { localAgent(agentId, did: .lifecycle("retired", activity: .retired)) }
        case .memberFailed(let id, _, let error):
            setStatus(.failed, of: id, in: mobIndex)
            if let agentId = member?.agentId { localAgent(agentId, did: .failed(error)) }
        case .runStarted(_, _, let kind, let prompt):
            guard let agentId = member?.agentId else { return }
            let what: String
            switch kind {
            case .arenaTask: what = "task received"
            case .flowStep(_, let stepId): what = "step \(stepId)"
            case .external(let mode): what = mode == .steer ? "steered" : "sent"
            }
            localAgent(agentId, did: .lifecycle("\(what): \(prompt)", activity: .taskReceived))
        case .turnStarted:
            if let agentId = member?.agentId { localAgent(agentId, did: .lifecycle("thinking…", activity: .thinking(step: nil))) }
        case .textDelta(_, _, let delta):
            if let agentId = member?.agentId { localAgent(agentId, did: .modelText(delta)) }
        case .turnCompleted(_, _, let reason, let usage):
            addTokens(usage.total, to: event.source, in: mobIndex)
            guard let agentId = member?.agentId else { return }
            let ending = reason == .endTurn ? "" : " (\(reason.rawValue))"
            localAgent(agentId, did: .lifecycle("the model wrote \(usage.outputTokens) tokens\(ending)", activity: .thinking(step: nil)))
        case .runCompleted(_, _, _, let ms):
            if let agentId = member?.agentId { localAgent(agentId, did: .lifecycle("responded in \(ms) ms", activity: .answered)) }
        case .runFailed(let runId, let error):
            if let agentId = member?.agentId { localAgent(agentId, did: .log(level: .warn, text: "\(runId) failed: \(error)")) }
        case .memberThought(_, let content, let peers):
            guard let agentId = member?.agentId else { return }
            let to = peers.isEmpty ? "" : " → \(peers.joined(separator: ", "))"
            localAgent(agentId, did: .log(level: .info, text: "thought\(to): \(content)"))
        case .retrying(_, _, let attempt, let most, let error, let delayMs):
            if let agentId = member?.agentId {
                localAgent(agentId, did: .log(level: .warn, text: "the model: \(error); attempt \(attempt) of \(most) in \(delayMs) ms"))
            }
        case .budgetWarning(let memberId, _, let used, let limit, let percent):
            let whose = memberId.map { "\($0)'s" } ?? "mob \(event.mobId)'s"
            notify(percent >= 100 ? .error : .warning, "\(whose) token budget: \(used) of \(limit) used (\(percent) %)")
        case .memberLog(let level, let text):
            if let agentId = member?.agentId { localAgent(agentId, did: .log(level: ConsoleLogLevel(naming: level), text: text)) }
        case .membersWired, .membersUnwired, .textComplete:
            break
        case .flowStarted(let runId, let flowId, _):
            startFlowView(runId: runId, flowId: flowId, in: mobIndex)
            append(ChatLine(at: now.wallMs, kind: .system, author: event.mobId, text: "flow \(flowId) started (\(runId))"))
        case .stepDispatched(let runId, let stepId, let target, _, _):
            updateStep(stepId, of: runId, in: mobIndex) { step in
                step.state = .running
                if let index = step.targets.firstIndex(where: { $0.member == target }) {
                    step.targets[index].state = .dispatched
                } else {
                    step.targets.append((target, .dispatched))
                }
            }
        case .stepCompleted(let runId, let stepId, let target, _, _):
            updateStep(stepId, of: runId, in: mobIndex) { step in
                if let target { step.setTarget(target, .completed) } else { step.state = .completed }
            }
        case .stepFailed(let runId, let stepId, let target, _):
            updateStep(stepId, of: runId, in: mobIndex) { step in
                if let target { step.setTarget(target, .failed) } else { step.state = .failed }
            }
        case .stepSkipped(let runId, let stepId, _):
            updateStep(stepId, of: runId, in: mobIndex) { $0.state = .skipped }
        case .flowCompleted(let runId, let flowId, _, let ms):
            finishFlowView(runId, .completed, in: mobIndex)
            notify(.success, "Flow \(flowId) completed in \(ms / 1000) s")
        case .flowFailed(let runId, let flowId, let error):
            finishFlowView(runId, .failed, in: mobIndex)
            notify(.error, "Flow \(flowId) failed: \(Sanitized.text(error, limit: 160))")
        case .flowCanceled(let runId, let flowId, _):
            finishFlowView(runId, .canceled, in: mobIndex)
            notify(.warning, "Flow \(flowId) canceled")
        case .streamTruncated(_, let dropped):
            notify(.warning, "The console fell behind: \(dropped) events of mob \(event.mobId) not shown")
        }
    }

    private mutating func setStatus(_ status: MemberStatus, of memberId: String, in mobIndex: Int) {
        guard let index = mobs[mobIndex].members.firstIndex(where: { $0.id == memberId }) else { return }
        mobs[mobIndex].members[index].status = status
    }

    private mutating func addTokens(_ count: Int, to memberId: String, in mobIndex: Int) {
        guard let index = mobs[mobIndex].members.firstIndex(where: { $0.id == memberId }) else { return }
        mobs[mobIndex].members[index].tokens += count
    }

    private mutating func startFlowView(runId: String, flowId: String, in mobIndex: Int) {
        let outline = mobs[mobIndex].flow(flowId)
        mobs[mobIndex].flowRun = FlowRunView(
            runId: runId, flowId: flowId, status: .running,
            steps: (outline?.steps ?? []).map { FlowRunView.FlowStepView(id: $0.id, role: $0.role, state: .pending, targets: []) })
    }

    private mutating func updateStep(_ stepId: String, of runId: String, in mobIndex: Int, _ change: (inout FlowRunView.FlowStepView) -> Void) {
        guard mobs[mobIndex].flowRun?.runId == runId,
              let index = mobs[mobIndex].flowRun?.steps.firstIndex(where: { $0.id == stepId }),
              var step = mobs[mobIndex].flowRun?.steps[index] else { return }
        change(&step)
        mobs[mobIndex].flowRun?.steps[index] = step
    }

    private mutating func finishFlowView(_ runId: String, _ status: FlowRun.Status, in mobIndex: Int) {
        guard mobs[mobIndex].flowRun?.runId == runId else { return }
        mobs[mobIndex].flowRun?.status = status
        // Steps the run never reached stay visible as skipped; those it was running, as canceled.
        guard status != .completed else { return }
        for index in mobs[mobIndex].flowRun?.steps.indices ?? 0..<0 {
            switch mobs[mobIndex].flowRun?.steps[index].state {
            case .pending?: mobs[mobIndex].flowRun?.steps[index].state = .skipped
            case .running?: mobs[mobIndex].flowRun?.steps[index].state = .canceled
            default: break
            }
        }
    }

    // MARK: Looking members up

    /// A member by `id` or `mob/id`; says why when none or several match.
    mutating func resolveMember(_ text: String) -> MemberRef? {
        guard !text.isEmpty else { return nil }
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        if parts.count == 2 {
            guard let mob = mobs.first(where: { $0.id == parts[0] }), mob.member(parts[1]) != nil else {
                notify(.error, "No member \(text)")
                return nil
            }
            return MemberRef(mob: parts[0], member: parts[1])
        }
        let matches = mobs.filter { $0.member(text) != nil }
        switch matches.count {
        case 1: return MemberRef(mob: matches[0].id, member: text)
        case 0:
            let known = mobs.flatMap { mob in mob.members.map(\.id) }
            notify(.error, "No member \(text) (members: \(known.joined(separator: ", ")))")
        default:
            notify(.error, "\(matches.count) mobs have a member \(text): name it as MOB/\(text)")
        }
        return nil
    }
}

extension FlowRunView.FlowStepView {
    mutating func setTarget(_ member: String, _ state: TargetRun.State) {
        if let index = targets.firstIndex(where: { $0.member == member }) { targets[index].state = state }
    }
}

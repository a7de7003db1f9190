import ArenaProtocol

/// Flows: a run's steps become member runs as their dependencies finish; answers are collected per
/// step (all, any, a quorum), failures follow the step's policy, deadlines come from the clock.
extension Mob {
    enum TargetOutcome {
        case success(String)
        case failure(String)
    }

    mutating func runFlow(_ flowId: String, params: [String: String], arenaTaskId: String?) throws(MobError) -> String {
        guard let flow = flow(flowId) else { throw .unknownFlow(flowId, known: definition.flows.keys.sorted()) }
        let needed = Set(flow.steps.values.flatMap(\.message.parameters))
        let missing = needed.subtracting(params.keys).sorted()
        guard missing.isEmpty else { throw .missingParameters(flow: flowId, missing) }
        let runId = "\(id)-flow-\(nextFlowRunNumber)"
        nextFlowRunNumber += 1
        flowRuns[runId] = FlowRun(id: runId, flowId: flowId, flow: flow, params: params, startedAt: now, arenaTaskId: arenaTaskId)
        flowRunOrder.append(runId)
        forgetOldRuns()
        emit(.flowStarted(runId: runId, flowId: flowId, params: params))
        return "started flow \(flowId) as \(runId)"
    }

    mutating func cancelFlow(_ runId: String) throws(MobError) -> String {
        guard let run = flowRuns[runId] else { throw .unknownFlowRun(runId) }
        guard run.status == .running else { throw .flowRunFinished(runId, run.status) }
        finish(runId, as: .canceled, reason: "canceled")
        return "canceled flow run \(runId)"
    }

    /// Forgets the runs that finished longest ago, keeping the newest `finishedRunLimit`.
    private mutating func forgetOldRuns() {
        let finished = flowRunOrder.filter { flowRuns[$0]?.status != .running }
            .sorted { (flowRuns[$0]?.finishedAt?.monotonicMs ?? 0) < (flowRuns[$1]?.finishedAt?.monotonicMs ?? 0) }
        guard finished.count > Self.finishedRunLimit else { return }
        let forgotten = Set(finished.prefix(finished.count - Self.finishedRunLimit))
        flowRunOrder.removeAll { forgotten.contains($0) }
        for runId in forgotten { flowRuns[runId] = nil }
    }

    // MARK: Scheduling

    /// Starts every step whose dependencies are done, in every running flow, until none is left ready.
    mutating func advanceFlows() {
        for runId in flowRunOrder where flowRuns[runId]?.status == .running {
            guard let flowId = flowRuns[runId]?.flowId, let flow = flow(flowId) else { continue }
            while flowRuns[runId]?.status == .running, let stepId = takeReady(in: runId, flow: flow) {
                guard let step = flow.steps[stepId] else { continue }
                if let blocked = step.dependsOn.first(where: { [.skipped, .canceled].contains(flowRuns[runId]?.steps[$0]?.state) }) {
                    skip(stepId, in: runId, reason: "step \(blocked) did not run")
                    continue
                }
                startStep(stepId, step, in: runId, flow: flow)
            }
            completeIfDone(runId)
        }
    }

    /// The ready step that comes first in the flow's order, taken off the ready list.
    private mutating func takeReady(in runId: String, flow: Flow) -> String? {
        guard let ready = flowRuns[runId]?.ready, !ready.isEmpty else { return nil }
        let first = ready.indices.min { flow.position[ready[$0]] ?? 0 < flow.position[ready[$1]] ?? 0 } ?? 0
        return flowRuns[runId]?.ready.remove(at: first)
    }

    /// A step finished (completed, failed or skipped): the steps waiting on it may become ready.
    private mutating func markFinished(_ stepId: String, in runId: String) {
        guard let flowId = flowRuns[runId]?.flowId, let flow = flow(flowId) else { return }
        flowRuns[runId]?.unfinished -= 1
        for dependent in flow.dependents[stepId] ?? [] {
            guard let left = flowRuns[runId]?.waitingOn[dependent] else { continue }
            if left <= 1 {
                flowRuns[runId]?.waitingOn[dependent] = nil
                flowRuns[runId]?.ready.append(dependent)
            } else {
                flowRuns[runId]?.waitingOn[dependent] = left - 1
            }
        }
    }

    private mutating func skip(_ stepId: String, in runId: String, reason: String) {
        flowRuns[runId]?.steps[stepId]?.state = .skipped
        flowRuns[runId]?.steps[stepId]?.error = reason
        flowRuns[runId]?.steps[stepId]?.finishedAt = now
        markFinished(stepId, in: runId)
        emit(.stepSkipped(runId: runId, stepId: stepId, reason: reason))
    }

    /// What `{{steps.ID.output}}` renders as for the steps `step` quotes or gathers: the output, or why
    /// there is none.
    private func outputs(for step: Step, in runId: String) -> [String: String] {
        var outputs: [String: String] = [:]
        for stepId in Set(step.message.steps + (step.dispatchMode == .fanIn ? step.dependsOn : [])) {
            guard let step = flowRuns[runId]?.steps[stepId] else { continue }
            switch step.state {
            case .completed: outputs[stepId] = step.output ?? ""
            case .failed: outputs[stepId] = "[step \(stepId) failed: \(step.error ?? "no reason given")]"
            default: break
            }
        }
        return outputs
    }

    /// A step's message for this run: its template filled in; for fan_in, the outputs it gathers that
    /// the template does not quote come after it (gathering is the point of fan_in).
    private func message(of step: Step, in runId: String) -> Result<String, Template.MissingValue> {
        let outputs = outputs(for: step, in: runId)
        return step.message.render(parameters: flowRuns[runId]?.params ?? [:], outputs: outputs).map { text in
            guard step.dispatchMode == .fanIn else { return text }
            let quoted = Set(step.message.steps)
            return step.dependsOn.filter { !quoted.contains($0) }.reduce(text) { text, dependency in
                text + "\n\n\(dependency):\n\(outputs[dependency] ?? "")"
            }
        }
    }

    private mutating func startStep(_ stepId: String, _ step: Step, in runId: String, flow: Flow) {
        flowRuns[runId]?.steps[stepId]?.state = .running
        flowRuns[runId]?.steps[stepId]?.startedAt = now
        let message: String
        switch self.message(of: step, in: runId) {
        case .success(let text): message = text
        case .failure(let missing):
            failStep(stepId, in: runId, reason: missing.description)
            return
        }
        let candidates = activeMembers.filter { $0.profile == step.role }
        let targets = step.dispatchMode == .fanOut ? candidates : Array(candidates.prefix(1))
        guard !targets.isEmpty else {
            failStep(stepId, in: runId, reason: "no active member of profile \(step.role)")
            return
        }
        if case .quorum(let count) = step.collection, targets.count < count {
            failStep(stepId, in: runId, reason: "only \(targets.count) member\(targets.count == 1 ? " was" : "s were") asked; the step needs \(count) answers")
            return
        }
        for target in targets {
            let memberRunId = makeRunId()
            flowRuns[runId]?.steps[stepId]?.targets.append(TargetRun(member: target.id, memberRunId: memberRunId, dispatchedAt: now))
            enqueue(QueuedRun(runId: memberRunId, text: message, kind: .flowStep(flowRunId: runId, stepId: stepId)), on: target.id)
            emit(.stepDispatched(runId: runId, stepId: stepId, target: target.id, memberRunId: memberRunId, attempt: 1))
        }
    }

    // MARK: Answers

    /// A member run of a step ended (`runId` is the member run).
    mutating func targetFinished(flowRunId: String, stepId: String, runId memberRunId: String, result: TargetOutcome) {
        guard let run = flowRuns[flowRunId], run.status == .running, let stepRun = run.steps[stepId], stepRun.state == .running,
              let index = stepRun.targets.firstIndex(where: { $0.memberRunId == memberRunId && $0.isOpen }) else { return }
        let target = stepRun.targets[index]
        var result = result
        if now.milliseconds(since: run.startedAt) >= definition.limits.maxFlowDurationMs {
            finish(flowRunId, as: .failed, reason: "the flow ran longer than its limit of \(definition.limits.maxFlowDurationMs) ms")
            return
        }
        // An answer after the step's deadline is a timeout, whichever the clock noticed first.
        if case .success = result, isPastDeadline(stepId, in: run) {
            result = .failure("timed out after \(flow(run.flowId)?.steps[stepId]?.timeoutMs ?? 0) ms")
        }
        switch result {
        case .success(let output):
            updateTarget(flowRunId, stepId, index) { target, moment in
                target.state = .completed
                target.output = output
                target.finishedAt = moment
            }
            emit(.stepCompleted(runId: flowRunId, stepId: stepId, target: target.member, output: output,
                                durationMs: now.milliseconds(since: target.dispatchedAt)))
            if let taskId = run.arenaTaskId {
                let isFinal = flow(run.flowId)?.terminalSteps.contains(stepId) == true
                let post: ArenaPost = isFinal ? .response(output, durationMs: Double(now.milliseconds(since: run.startedAt))) : .thought(output)
                effects.append(.arenaPost(member: target.member, taskId: taskId, post))
            }
        case .failure(let reason):
            if target.attempt <= definition.limits.maxStepRetries, members[target.member]?.status == .active, !isPastDeadline(stepId, in: run) {
                let retryId = makeRunId()
                updateTarget(flowRunId, stepId, index) { target, moment in
                    target.memberRunId = retryId
                    target.attempt += 1
                }
                enqueue(QueuedRun(runId: retryId, text: retryText(flowRunId, stepId) ?? "",
                                  kind: .flowStep(flowRunId: flowRunId, stepId: stepId)), on: target.member)
                emit(.stepDispatched(runId: flowRunId, stepId: stepId, target: target.member, memberRunId: retryId, attempt: target.attempt + 1))
                return
            }
            updateTarget(flowRunId, stepId, index) { target, moment in
                target.state = .failed
                target.error = reason
                target.finishedAt = moment
            }
            emit(.stepFailed(runId: flowRunId, stepId: stepId, target: target.member, error: reason))
        }
        collect(stepId, in: flowRunId)
    }

    /// The rendered message of a step, again, for a retry.
    private func retryText(_ flowRunId: String, _ stepId: String) -> String? {
        guard let flowId = flowRuns[flowRunId]?.flowId, let step = flow(flowId)?.steps[stepId],
              case .success(let text) = message(of: step, in: flowRunId) else { return nil }
        return text
    }

    /// Changes one ledger row; `change` gets the current time (it may not read `self`).
    private mutating func updateTarget(_ flowRunId: String, _ stepId: String, _ index: Int, _ change: (inout TargetRun, Moment) -> Void) {
        guard var target = flowRuns[flowRunId]?.steps[stepId]?.targets[index] else { return }
        change(&target, now)
        flowRuns[flowRunId]?.steps[stepId]?.targets[index] = target
    }

    /// Decides a step from its targets' answers, as its collection says.
    private mutating func collect(_ stepId: String, in flowRunId: String) {
        guard let run = flowRuns[flowRunId], let stepRun = run.steps[stepId], stepRun.state == .running,
              let step = flow(run.flowId)?.steps[stepId] else { return }
        let completed = stepRun.targets.filter { $0.state == .completed }.count
        let open = stepRun.targets.filter(\.isOpen).count
        let failures = stepRun.targets.filter { $0.state == .failed }
        let needed: Int
        switch step.collection {
        case .all: needed = stepRun.targets.count
        case .any: needed = 1
        case .quorum(let count): needed = count
        }
        if completed >= needed {
            cancelOpenTargets(stepId, in: flowRunId, reason: "the step had the answers it needed")
            completeStep(stepId, in: flowRunId, dispatchMode: step.dispatchMode)
        } else if completed + open < needed {
            let reason = failures.first.map { "\($0.member): \($0.error ?? "failed")" }
                ?? "only \(stepRun.targets.count) member\(stepRun.targets.count == 1 ? " was" : "s were") asked; the step needs \(needed) answers"
            failStep(stepId, in: flowRunId, reason: reason)
        }
    }

    private mutating func completeStep(_ stepId: String, in flowRunId: String, dispatchMode: DispatchMode) {
        guard let stepRun = flowRuns[flowRunId]?.steps[stepId] else { return }
        let answers = stepRun.targets.filter { $0.state == .completed }
        // A fan-out step's output is one "member: output" paragraph per target.
        let output = dispatchMode == .fanOut
            ? answers.map { "\($0.member): \($0.output ?? "")" }.joined(separator: "\n\n")
            : answers.first?.output ?? ""
        flowRuns[flowRunId]?.steps[stepId]?.state = .completed
        flowRuns[flowRunId]?.steps[stepId]?.output = output
        flowRuns[flowRunId]?.steps[stepId]?.finishedAt = now
        markFinished(stepId, in: flowRunId)
        emit(.stepCompleted(runId: flowRunId, stepId: stepId, target: nil, output: output,
                            durationMs: now.milliseconds(since: stepRun.startedAt ?? now)))
    }

    private mutating func failStep(_ stepId: String, in flowRunId: String, reason: String) {
        guard let run = flowRuns[flowRunId] else { return }
        cancelOpenTargets(stepId, in: flowRunId, reason: "the step failed")
        flowRuns[flowRunId]?.steps[stepId]?.state = .failed
        flowRuns[flowRunId]?.steps[stepId]?.error = reason
        flowRuns[flowRunId]?.steps[stepId]?.finishedAt = now
        markFinished(stepId, in: flowRunId)
        emit(.stepFailed(runId: flowRunId, stepId: stepId, target: nil, error: reason))
        if flow(run.flowId)?.steps[stepId]?.failurePolicy == .escalate {
            finish(flowRunId, as: .failed, reason: "step \(stepId) failed: \(reason)")
        }
    }

    /// Takes back the work of targets that are no longer needed: queued runs leave the queue, running
    /// ones are canceled on their agent.
    private mutating func cancelOpenTargets(_ stepId: String, in flowRunId: String, reason: String) {
        guard let targets = flowRuns[flowRunId]?.steps[stepId]?.targets else { return }
        for (index, target) in targets.enumerated() where target.isOpen {
            updateTarget(flowRunId, stepId, index) { target, moment in
                target.state = .canceled
                target.error = reason
                target.finishedAt = moment
            }
            if !dequeue(target.memberRunId, from: target.member), let member = members[target.member],
               member.running?.runId == target.memberRunId, member.running?.isCanceled == false {
                members[target.member]?.running?.isCanceled = true
                effects.append(.cancelRun(member: target.member, generation: member.generation, runId: target.memberRunId))
                emit(.runFailed(runId: target.memberRunId, error: "canceled: \(reason)"), from: target.member)
            }
        }
    }

    private mutating func completeIfDone(_ flowRunId: String) {
        guard let run = flowRuns[flowRunId], run.status == .running, run.unfinished == 0, let flow = flow(run.flowId) else { return }
        let finals = flow.terminalSteps.filter { run.steps[$0]?.state == .completed }
        guard !finals.isEmpty else {
            finish(flowRunId, as: .failed, reason: "no final step completed")
            return
        }
        let output = finals.count == 1 ? run.steps[finals[0]]?.output ?? ""
            : finals.map { "\($0):\n\(run.steps[$0]?.output ?? "")" }.joined(separator: "\n\n")
        flowRuns[flowRunId]?.status = .completed
        flowRuns[flowRunId]?.output = output
        flowRuns[flowRunId]?.finishedAt = now
        emit(.flowCompleted(runId: flowRunId, flowId: run.flowId, output: output, durationMs: now.milliseconds(since: run.startedAt)))
    }

    /// Ends a run that did not complete: its open work is taken back, what had not started is skipped.
    mutating func finish(_ flowRunId: String, as status: FlowRun.Status, reason: String) {
        guard let run = flowRuns[flowRunId], run.status == .running else { return }
        flowRuns[flowRunId]?.status = status
        flowRuns[flowRunId]?.error = reason
        flowRuns[flowRunId]?.finishedAt = now
        for stepId in flow(run.flowId)?.order ?? [] {
            switch flowRuns[flowRunId]?.steps[stepId]?.state {
            case .running?:
                cancelOpenTargets(stepId, in: flowRunId, reason: reason)
                flowRuns[flowRunId]?.steps[stepId]?.state = .canceled
                flowRuns[flowRunId]?.steps[stepId]?.error = reason
                flowRuns[flowRunId]?.steps[stepId]?.finishedAt = now
            case .pending?:
                flowRuns[flowRunId]?.steps[stepId]?.state = .skipped
                flowRuns[flowRunId]?.steps[stepId]?.error = reason
                flowRuns[flowRunId]?.steps[stepId]?.finishedAt = now
                emit(.stepSkipped(runId: flowRunId, stepId: stepId, reason: status == .canceled ? "the flow was canceled" : "the flow failed"))
            default: break
            }
        }
        if status == .canceled {
            emit(.flowCanceled(runId: flowRunId, flowId: run.flowId, reason: reason))
        } else {
            emit(.flowFailed(runId: flowRunId, flowId: run.flowId, error: reason))
        }
        forgetOldRuns()
    }

    // MARK: Deadlines

    private func isPastDeadline(_ stepId: String, in run: FlowRun) -> Bool {
        guard let started = run.steps[stepId]?.startedAt, let timeout = flow(run.flowId)?.steps[stepId]?.timeoutMs else { return false }
        return now.milliseconds(since: started) >= timeout
    }

    mutating func expireDeadlines() {
        for runId in flowRunOrder {
            guard let run = flowRuns[runId], run.status == .running else { continue }
            if now.milliseconds(since: run.startedAt) >= definition.limits.maxFlowDurationMs {
                finish(runId, as: .failed, reason: "the flow ran longer than its limit of \(definition.limits.maxFlowDurationMs) ms")
                continue
            }
            let expired = run.steps.filter { $0.value.state == .running && isPastDeadline($0.key, in: run) }.keys.sorted()
            for stepId in expired {
                guard let stepRun = flowRuns[runId]?.steps[stepId], stepRun.state == .running else { continue }
                let timeout = flow(run.flowId)?.steps[stepId]?.timeoutMs ?? 0
                for (index, target) in stepRun.targets.enumerated() where target.isOpen {
                    let reason = "timed out after \(timeout) ms"
                    updateTarget(runId, stepId, index) { target, moment in
                        target.state = .failed
                        target.error = reason
                        target.finishedAt = moment
                    }
                    emit(.stepFailed(runId: runId, stepId: stepId, target: target.member, error: reason))
                    if !dequeue(target.memberRunId, from: target.member), let member = members[target.member],
                       member.running?.runId == target.memberRunId, member.running?.isCanceled == false {
                        members[target.member]?.running?.isCanceled = true
                        effects.append(.cancelRun(member: target.member, generation: member.generation, runId: target.memberRunId))
                        emit(.runFailed(runId: target.memberRunId, error: reason), from: target.member)
                    }
                }
                collect(stepId, in: runId)
            }
        }
    }
}

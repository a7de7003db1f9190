/// Members: spawning, wiring, work queues, and what their agents report.
extension Mob {
    mutating func start() -> String {
        for spec in definition.members where members[spec.id] == nil {
            spawnMember(profile: spec.profile, id: spec.id)
        }
        return "mob \(id) started with \(members.count) member\(members.count == 1 ? "" : "s")"
    }

    mutating func spawn(profile: String, id memberId: String?) throws(MobError) -> String {
        guard definition.profiles[profile] != nil else { throw .unknownProfile(profile, known: definition.profiles.keys.sorted()) }
        let newId = memberId ?? freeId(for: profile)
        guard DefinitionReader.isIdentifier(newId), newId != id else { throw .invalidMemberId(newId) }
        guard members[newId] == nil else { throw .duplicateMember(newId) }
        spawnMember(profile: profile, id: newId)
        return "spawned \(newId) (\(profile))"
    }

    private func freeId(for profile: String) -> String {
        var number = 1
        while members["\(profile)-\(number)"] != nil { number += 1 }
        return "\(profile)-\(number)"
    }

    /// A new member, wired to the members already there as the definition's wiring says.
    private mutating func spawnMember(profile: String, id memberId: String) {
        members[memberId] = Member(id: memberId, profile: profile)
        memberOrder.append(memberId)
        effects.append(.startMember(member: memberId, generation: 1, profile: profile))
        emit(.memberSpawned(member: memberId, profile: profile, generation: 1), from: memberId)
        for other in memberOrder where other != memberId {
            guard let otherMember = members[other], ![.retired, .retiring].contains(otherMember.status),
                  wiredByDefinition(profile, otherMember.profile) else { continue }
            connect(memberId, other)
        }
    }

    /// Whether the definition wires members of these two profiles to each other.
    func wiredByDefinition(_ first: String, _ second: String) -> Bool {
        if definition.wiring.autoWireOrchestrator, let orchestrator = definition.orchestrator,
           first == orchestrator || second == orchestrator {
            return true
        }
        return definition.wiring.roleWiring.contains { ($0.a == first && $0.b == second) || ($0.a == second && $0.b == first) }
    }

    mutating func retire(_ memberId: String) throws(MobError) -> String {
        let member = try member(memberId)
        switch member.status {
        case .retired, .retiring: throw .memberNotActive(memberId, member.status)
        case .failed:
            members[memberId]?.status = .retired
            emit(.memberRetired(member: memberId, generation: member.generation), from: memberId)
            return "retired \(memberId)"
        case .active:
            members[memberId]?.status = .retiring
            abandonWork(of: memberId, reason: "member \(memberId) was retired")
            effects.append(.stopMember(member: memberId, generation: member.generation))
            return "retiring \(memberId)"
        }
    }

    mutating func respawn(_ memberId: String) throws(MobError) -> String {
        let member = try member(memberId)
        if let running = member.running, !running.isCanceled {
            effects.append(.cancelRun(member: memberId, generation: member.generation, runId: running.runId))
            failRun(running, of: memberId, reason: "member \(memberId) was respawned")
        }
        if member.status == .active || member.status == .retiring {
            effects.append(.stopMember(member: memberId, generation: member.generation))
        }
        let generation = member.generation + 1
        members[memberId]?.generation = generation
        members[memberId]?.status = .active
        members[memberId]?.running = nil
        effects.append(.startMember(member: memberId, generation: generation, profile: member.profile))
        emit(.memberSpawned(member: memberId, profile: member.profile, generation: generation), from: memberId)
        return "respawned \(memberId) (generation \(generation))"
    }

    mutating func cancelRun(of memberId: String) throws(MobError) -> String {
        let member = try member(memberId)
        guard let running = member.running, !running.isCanceled else { throw .nothingToCancel(memberId) }
        effects.append(.cancelRun(member: memberId, generation: member.generation, runId: running.runId))
        failRun(running, of: memberId, reason: "canceled")
        members[memberId]?.running?.isCanceled = true
        return "canceled \(running.runId) on \(memberId)"
    }

    /// Queued work fails; running work is canceled and fails. The member stays busy until its agent
    /// returns from the call.
    private mutating func abandonWork(of memberId: String, reason: String) {
        guard let queue = members[memberId]?.queue else { return }
        members[memberId]?.queue = []
        for queued in queue {
            if case .flowStep = queued.kind {} else {
                emit(.memberLog(level: "warn", text: "dropped \(queued.runId), which had not started: \(reason)"), from: memberId)
            }
            failRun(ActiveRun(runId: queued.runId, text: queued.text, kind: queued.kind, startedAt: now), of: memberId,
                    reason: reason, started: false)
        }
        // Read again: failing queued flow work can end its flow, which cancels this member's running run.
        if let member = members[memberId], let running = member.running, !running.isCanceled {
            effects.append(.cancelRun(member: memberId, generation: member.generation, runId: running.runId))
            failRun(running, of: memberId, reason: reason)
            members[memberId]?.running?.isCanceled = true
        }
    }

    // MARK: Wiring

    mutating func wire(_ a: String, _ b: String) throws(MobError) -> String {
        try checkWirable(a, b)
        guard members[a]?.peers.contains(b) == false else { return "\(a) and \(b) are already wired" }
        connect(a, b)
        return "wired \(a) and \(b)"
    }

    mutating func unwire(_ a: String, _ b: String) throws(MobError) -> String {
        _ = try member(a)
        _ = try member(b)
        guard members[a]?.peers.contains(b) == true else { return "\(a) and \(b) were not wired" }
        members[a]?.peers.remove(b)
        members[b]?.peers.remove(a)
        emit(.membersUnwired(a: a, b: b))
        return "unwired \(a) and \(b)"
    }

    private func checkWirable(_ a: String, _ b: String) throws(MobError) {
        for id in [a, b] {
            let member = try member(id)
            if member.status == .retired || member.status == .retiring { throw .memberNotActive(id, member.status) }
        }
        if a == b { throw .wiredToItself(a) }
    }

    /// Both sides at once: nobody ever sees a half-made wire.
    private mutating func connect(_ a: String, _ b: String) {
        members[a]?.peers.insert(b)
        members[b]?.peers.insert(a)
        emit(.membersWired(a: a, b: b))
    }

    mutating func wireExternal(_ memberId: String, _ peer: MemberRef) throws(MobError) -> String {
        let member = try member(memberId)
        if member.status == .retired || member.status == .retiring { throw .memberNotActive(memberId, member.status) }
        if peer.mob == id { throw .wiredToItself(memberId) }
        guard members[memberId]?.externalPeers.insert(peer).inserted == true else { return "\(memberId) and \(peer) are already wired" }
        emit(.membersWired(a: memberId, b: peer.description))
        return "wired \(memberId) and \(peer)"
    }

    mutating func unwireExternal(_ memberId: String, _ peer: MemberRef) throws(MobError) -> String {
        _ = try member(memberId)
        guard members[memberId]?.externalPeers.remove(peer) != nil else { return "\(memberId) and \(peer) were not wired" }
        emit(.membersUnwired(a: memberId, b: peer.description))
        return "unwired \(memberId) and \(peer)"
    }

    mutating func deliverExternalThought(to memberId: String, from: MemberRef, text: String) -> String {
        guard let member = members[memberId], member.status == .active, member.externalPeers.contains(from) else { return "" }
        effects.append(.deliverThought(to: memberId, generation: member.generation, from: from.description, text: text))
        return ""
    }

    // MARK: Work

    mutating func send(_ content: String, to memberId: String, mode: HandlingMode) throws(MobError) -> String {
        let member = try member(memberId)
        guard member.status == .active else { throw .memberNotActive(memberId, member.status) }
        guard !content.allSatisfy(\.isWhitespace) else { throw .emptyMessage }
        let runId = makeRunId()
        enqueue(QueuedRun(runId: runId, text: content, kind: .external(mode)), on: memberId, mode: mode)
        let ahead = (members[memberId]?.queue.firstIndex { $0.runId == runId } ?? 0) + (member.isBusy ? 1 : 0)
        let when = ahead == 0 ? "now" : mode == .steer ? "next" : "after \(ahead) run\(ahead == 1 ? "" : "s")"
        return "\(mode == .steer ? "steered" : "queued") \(runId) for \(memberId) (\(when))"
    }

    mutating func enqueue(_ run: QueuedRun, on memberId: String, mode: HandlingMode = .queue) {
        switch mode {
        case .queue: members[memberId]?.queue.append(run)
        case .steer: members[memberId]?.queue.insert(run, at: 0)
        }
    }

    /// Takes a queued run back (its flow was canceled or its step already done).
    mutating func dequeue(_ runId: String, from memberId: String) -> Bool {
        guard let index = members[memberId]?.queue.firstIndex(where: { $0.runId == runId }) else { return false }
        members[memberId]?.queue.remove(at: index)
        return true
    }

    mutating func dispatchIdleMembers() {
        for memberId in memberOrder {
            guard let member = members[memberId], member.status == .active, member.running == nil, !member.queue.isEmpty else { continue }
            if let spent = spentBudget(of: memberId) {
                refuseQueuedRuns(of: memberId, reason: spent)
                continue
            }
            let next = member.queue[0]
            members[memberId]?.queue.removeFirst()
            members[memberId]?.running = ActiveRun(runId: next.runId, text: next.text, kind: next.kind, startedAt: now)
            effects.append(.run(member: memberId, generation: member.generation, runId: next.runId, text: next.text, kind: next.kind))
            emit(.runStarted(runId: next.runId, member: memberId, kind: next.kind, prompt: next.text), from: memberId)
        }
    }

    mutating func arenaTask(_ taskId: String, _ description: String) -> String {
        guard !takenArenaTasks.contains(taskId) else { return "" }
        takenArenaTasks.append(taskId)
        if takenArenaTasks.count > 100 { takenArenaTasks.removeFirst() }
        // As agents do: the newest task supersedes older ones that have not started; what runs finishes.
        if definition.onTask != nil {
            if let skipped = pendingArenaTask {
                emit(.memberLog(level: "info", text: "skipped arena task \(skipped.taskId.prefix(8)): a newer one arrived"))
            }
            pendingArenaTask = (taskId, description)
            return startPendingArenaTask()
        }
        for member in activeMembers {
            let stale = members[member.id]?.queue.filter { if case .arenaTask = $0.kind { true } else { false } } ?? []
            if !stale.isEmpty {
                members[member.id]?.queue.removeAll { stale.map(\.runId).contains($0.runId) }
                emit(.memberLog(level: "info", text: "skipped \(stale.count) arena task\(stale.count == 1 ? "" : "s"): a newer one arrived"), from: member.id)
            }
            enqueue(QueuedRun(runId: makeRunId(), text: description, kind: .arenaTask(taskId: taskId)), on: member.id)
        }
        return "task \(taskId.prefix(8)) given to \(activeMembers.count) member\(activeMembers.count == 1 ? "" : "s")"
    }

    /// Runs the on_task flow for the newest arena task once no arena flow is running.
    @discardableResult
    mutating func startPendingArenaTask() -> String {
        guard let flowId = definition.onTask, let task = pendingArenaTask,
              !flowRuns.values.contains(where: { $0.status == .running && $0.arenaTaskId != nil }) else {
            return pendingArenaTask.map { "task \($0.taskId.prefix(8)) waits for the running flow" } ?? ""
        }
        pendingArenaTask = nil
        return (try? runFlow(flowId, params: ["task": task.description], arenaTaskId: task.taskId)) ?? ""
    }

    // MARK: Reports

    mutating func receive(_ report: MemberReport, from memberId: String, generation: Int) {
        guard let member = members[memberId], member.generation == generation else { return }
        let running = member.running
        let live = running.flatMap { $0.isCanceled ? nil : $0 }
        switch report {
        case .turnStarted:
            guard var run = live else { return }
            run.turnNumber += 1
            run.turnText = ""
            members[memberId]?.running = run
            emit(.turnStarted(runId: run.runId, turnId: turnId(run), turnNumber: run.turnNumber), from: memberId)
        case .textDelta(let delta):
            guard var run = live else { return }
            if run.turnText.utf8.count < Self.turnTextLimit { run.turnText += delta }
            members[memberId]?.running = run
            emit(.textDelta(runId: run.runId, turnId: turnId(run), delta: delta), from: memberId)
        case .retrying(let attempt, let most, let delayMs, let error):
            emit(.retrying(runId: live?.runId, turnId: live.map(turnId), attempt: attempt, maxAttempts: most, error: error, delayMs: delayMs),
                 from: memberId)
        case .turnFinished(let stopReason, let usage):
            members[memberId]?.usage = member.usage + usage
            checkBudgets(after: memberId)
            guard var run = live else { return }
            run.usage = run.usage + usage
            members[memberId]?.running = run
            emit(.textComplete(runId: run.runId, turnId: turnId(run), content: run.turnText), from: memberId)
            emit(.turnCompleted(runId: run.runId, turnId: turnId(run), stopReason: stopReason, usage: usage), from: memberId)
        case .thought(let text, let runId):
            // A thought from outside the run (on-peer-thought, before the run started) belongs to no run.
            broadcast(text, from: member, run: live.flatMap { $0.runId == runId ? $0 : nil })
        case .runFinished(let output):
            members[memberId]?.running = nil
            guard let run = live else { return }
            emit(.runCompleted(runId: run.runId, result: output, usage: run.usage, durationMs: now.milliseconds(since: run.startedAt)), from: memberId)
            finishRun(run, of: memberId, output: output)
        case .log(let level, let text):
            emit(.memberLog(level: level, text: text), from: memberId)
        case .failed(let reason):
            members[memberId]?.running = nil
            if member.status == .retiring {
                members[memberId]?.status = .retired
                emit(.memberRetired(member: memberId, generation: generation), from: memberId)
                return
            }
            members[memberId]?.status = .failed
            emit(.memberFailed(member: memberId, generation: generation, error: reason), from: memberId)
            if let run = live { failRun(run, of: memberId, reason: "member \(memberId) failed: \(reason)") }
            abandonWork(of: memberId, reason: "member \(memberId) failed: \(reason)")
        case .stopped:
            members[memberId]?.running = nil
            if member.status == .retiring {
                members[memberId]?.status = .retired
                emit(.memberRetired(member: memberId, generation: generation), from: memberId)
            } else if member.status == .active {
                receive(.failed("its agent stopped"), from: memberId, generation: generation)
            }
        }
    }

    private func turnId(_ run: ActiveRun) -> String { "\(run.runId).\(run.turnNumber)" }

    /// A thought goes to the member's active peers, in this mob and others, and to the arena when the
    /// work it belongs to came from one.
    private mutating func broadcast(_ text: String, from member: Member, run: ActiveRun?) {
        let peers = memberOrder.filter { member.peers.contains($0) && members[$0]?.status == .active }
        for peer in peers {
            effects.append(.deliverThought(to: peer, generation: members[peer]?.generation ?? 1, from: member.id, text: text))
        }
        for peer in member.externalPeers.sorted(by: { $0.description < $1.description }) {
            effects.append(.deliverExternal(to: peer, from: member.id, text: text))
        }
        emit(.memberThought(runId: run?.runId, content: text, deliveredTo: peers + member.externalPeers.map(\.description).sorted()),
             from: member.id)
        if let run, let taskId = arenaTaskId(of: run.kind) {
            effects.append(.arenaPost(member: member.id, taskId: taskId, .thought(text)))
        }
    }

    func arenaTaskId(of kind: RunKind) -> String? {
        switch kind {
        case .arenaTask(let taskId): taskId
        case .flowStep(let flowRunId, _): flowRuns[flowRunId]?.arenaTaskId
        case .external: nil
        }
    }

    private mutating func finishRun(_ run: ActiveRun, of memberId: String, output: String) {
        switch run.kind {
        case .external: break
        case .arenaTask(let taskId):
            effects.append(.arenaPost(member: memberId, taskId: taskId, .response(output, durationMs: Double(now.milliseconds(since: run.startedAt)))))
        case .flowStep(let flowRunId, let stepId):
            targetFinished(flowRunId: flowRunId, stepId: stepId, runId: run.runId, result: .success(output))
        }
    }

    /// A run that will not finish: its event, and what waited on it learns why.
    mutating func failRun(_ run: ActiveRun, of memberId: String, reason: String, started: Bool = true) {
        if started { emit(.runFailed(runId: run.runId, error: reason), from: memberId) }
        if case .flowStep(let flowRunId, let stepId) = run.kind {
            targetFinished(flowRunId: flowRunId, stepId: stepId, runId: run.runId, result: .failure(reason))
        }
    }
}

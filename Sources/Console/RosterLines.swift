/// What the roster pane lists, line by line: the arena's agents by slot, then each hosted mob under its
/// heading with its members grouped by role, then the flow pane (the latest run of each mob's flow).
/// The view draws these lines and clicks and the cursor are mapped through them, so both always agree.
public enum RosterLine: Equatable, Sendable {
    /// `roster[index]`.
    case agent(Int)
    /// `mobs[index]`'s heading.
    case mob(Int)
    case blank
    /// `mobs[index].flowRun`'s heading.
    case flow(Int)
    /// A step of `mobs[mob].flowRun`.
    case flowStep(mob: Int, step: Int)
}

extension State {
    /// Roster indices in the order the roster shows them. The cursor moves through this order.
    public var rosterOrder: [Int] {
        guard !mobs.isEmpty else { return Array(roster.indices) }
        var indexOfAgent: [String: Int] = [:]
        for (index, row) in roster.enumerated() { indexOfAgent[row.agentId] = index }
        let members = mobs.map { mob in mob.membersByRole.compactMap { indexOfAgent[$0.agentId] } }
        let hosted = Set(members.joined())
        return roster.indices.filter { !hosted.contains($0) } + members.joined()
    }

    public var rosterLines: [RosterLine] {
        guard !mobs.isEmpty else { return roster.indices.map(RosterLine.agent) }
        var indexOfAgent: [String: Int] = [:]
        for (index, row) in roster.enumerated() { indexOfAgent[row.agentId] = index }
        let hosted = Set(mobs.flatMap { $0.members.compactMap { indexOfAgent[$0.agentId] } })
        var lines = roster.indices.filter { !hosted.contains($0) }.map(RosterLine.agent)
        for (mobIndex, mob) in mobs.enumerated() {
            lines.append(.mob(mobIndex))
            lines += mob.membersByRole.compactMap { indexOfAgent[$0.agentId] }.map(RosterLine.agent)
        }
        for (mobIndex, mob) in mobs.enumerated() {
            guard let run = mob.flowRun else { continue }
            lines += [.blank, .flow(mobIndex)] + run.steps.indices.map { .flowStep(mob: mobIndex, step: $0) }
        }
        return lines
    }

    /// The roster row under the cursor.
    public var rosterCursorIndex: Int? {
        let order = rosterOrder
        return order.indices.contains(rosterCursor) ? order[rosterCursor] : nil
    }

    /// The mob member shown in `roster[index]`, if it is one.
    public func mobMember(atRosterIndex index: Int) -> (mob: MobView, member: MobMemberView)? {
        guard roster.indices.contains(index) else { return nil }
        let agentId = roster[index].agentId
        for mob in mobs {
            if let member = mob.members.first(where: { $0.agentId == agentId }) { return (mob, member) }
        }
        return nil
    }
}

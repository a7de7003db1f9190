/// Token budgets (`limits.member_tokens`, `limits.mob_tokens`): a `budget_warning` when a member's or
/// the mob's usage first reaches 80 % and 100 % of its budget, and no new run for a member once its
/// budget, or the mob's, is spent (its queued runs fail, saying which budget).
extension Mob {
    static let budgetThresholds = [80, 100]

    var tokensUsed: Int64 { members.values.reduce(0) { $0 + Int64($1.usage.total) } }

    /// After a turn's usage was added to `memberId`'s.
    mutating func checkBudgets(after memberId: String) {
        if let limit = definition.limits.memberTokens, let member = members[memberId] {
            warnIfCrossed(used: Int64(member.usage.total), limit: limit, member: memberId)
        }
        if let limit = definition.limits.mobTokens { warnIfCrossed(used: tokensUsed, limit: limit, member: nil) }
    }

    /// One warning for the highest threshold newly reached (a turn can cross both at once).
    private mutating func warnIfCrossed(used: Int64, limit: Int64, member: String?) {
        let percent = Int(min(used * 100 / limit, 100_000))
        let crossed = Self.budgetThresholds.filter { percent >= $0 && budgetWarnings.insert("\(member ?? "")#\($0)").inserted }
        guard !crossed.isEmpty else { return }
        emit(.budgetWarning(member: member, budgetType: "tokens", used: used, limit: limit, percent: percent), from: member)
    }

    /// Why `memberId` may start no new run, or nil while its budget and the mob's last.
    func spentBudget(of memberId: String) -> String? {
        if let limit = definition.limits.memberTokens, let member = members[memberId], Int64(member.usage.total) >= limit {
            return "\(memberId) has spent its token budget (\(member.usage.total) of \(limit))"
        }
        if let limit = definition.limits.mobTokens, tokensUsed >= limit {
            return "mob \(id) has spent its token budget (\(tokensUsed) of \(limit))"
        }
        return nil
    }

    /// Fails every run queued for `memberId`; what waited on them (a flow step) learns why.
    mutating func refuseQueuedRuns(of memberId: String, reason: String) {
        guard let queued = members[memberId]?.queue, !queued.isEmpty else { return }
        members[memberId]?.queue.removeAll()
        for run in queued {
            failRun(ActiveRun(runId: run.runId, text: run.text, kind: run.kind, startedAt: now), of: memberId, reason: reason)
        }
    }
}

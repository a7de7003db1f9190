/// What makes a well-formed definition a valid one: every name it uses exists, the flows are acyclic,
/// templates name only what their step will have, quorums can be met.
extension MobDefinition {
    public func validate(personas: Set<String>) -> [MobDiagnostic] {
        var problems: [MobDiagnostic] = []
        func error(_ path: String, _ text: String) { problems.append(MobDiagnostic(path, text)) }
        let profileList = profiles.keys.sorted().joined(separator: ", ")
        func checkProfile(_ name: String, _ path: String) {
            if profiles[name] == nil { error(path, "unknown profile \"\(name)\" (profiles: \(profileList.isEmpty ? "none" : profileList))") }
        }

        for (name, profile) in profiles.sorted(by: { $0.key < $1.key }) where !personas.contains(profile.persona) {
            error("$.profiles.\(name).persona", "unknown persona \"\(profile.persona)\" (personas: \(personas.sorted().joined(separator: ", ")))")
        }
        if let orchestrator { checkProfile(orchestrator, "$.orchestrator") }
        if wiring.autoWireOrchestrator && orchestrator == nil {
            error("$.wiring.auto_wire_orchestrator", "is true but the mob names no orchestrator")
        }

        var firstUse: [String: Int] = [:]
        for (index, member) in members.enumerated() {
            checkProfile(member.profile, "$.members[\(index)].profile")
            if member.id == id {
                error("$.members[\(index)].id", "\"\(member.id)\" is the mob's own id: members need ids of their own")
            } else if let earlier = firstUse[member.id] {
                error("$.members[\(index)].id", "duplicate member id \"\(member.id)\" (first used by $.members[\(earlier)])")
            } else {
                firstUse[member.id] = index
            }
        }
        if members.isEmpty {
            problems.append(MobDiagnostic("$.members", "no members are spawned at start (spawn them with /spawn)", severity: .warning))
        }
        for (index, pair) in wiring.roleWiring.enumerated() {
            checkProfile(pair.a, "$.wiring.role_wiring[\(index)].a")
            checkProfile(pair.b, "$.wiring.role_wiring[\(index)].b")
        }

        for (flowId, flow) in flows.sorted(by: { $0.key < $1.key }) {
            problems += validate(flow, id: flowId, members: members, error: error)
        }
        if let onTask {
            if let flow = flows[onTask] {
                for (stepId, step) in flow.steps.sorted(by: { $0.key < $1.key }) {
                    for parameter in step.message.parameters where parameter != "task" {
                        error("$.flows.\(onTask).steps.\(stepId).message",
                              "names {{params.\(parameter)}}, but on_task runs the flow with params.task only")
                    }
                }
            } else {
                error("$.on_task", "unknown flow \"\(onTask)\" (flows: \(flows.keys.sorted().joined(separator: ", ")))")
            }
        }
        return problems
    }

    private func validate(_ flow: Flow, id flowId: String, members: [MemberSpec],
                          error: (String, String) -> Void) -> [MobDiagnostic] {
        let base = "$.flows.\(flowId)"
        let stepList = flow.steps.keys.sorted().joined(separator: ", ")
        for (stepId, step) in flow.steps.sorted(by: { $0.key < $1.key }) {
            let path = "\(base).steps.\(stepId)"
            if profiles[step.role] == nil {
                error("\(path).role", "unknown profile \"\(step.role)\" (profiles: \(profiles.keys.sorted().joined(separator: ", ")))")
            }
            for (index, dependency) in step.dependsOn.enumerated() {
                if dependency == stepId {
                    error("\(path).depends_on[\(index)]", "a step cannot depend on itself")
                } else if flow.steps[dependency] == nil {
                    error("\(path).depends_on[\(index)]", "unknown step \"\(dependency)\" (steps: \(stepList))")
                }
            }
            if step.dispatchMode == .fanIn && step.dependsOn.isEmpty {
                error("\(path).dispatch_mode", "fan_in gathers the outputs of the steps it depends on, but depends_on is empty")
            }
            let ancestors = Self.ancestors(of: stepId, in: flow)
            for named in step.message.steps {
                if flow.steps[named] == nil {
                    error("\(path).message", "names {{steps.\(named).output}}, an unknown step (steps: \(stepList))")
                } else if !ancestors.contains(named) {
                    error("\(path).message", "names {{steps.\(named).output}}, but \(stepId) does not depend on \(named) (add it to depends_on)")
                }
            }
            if case .quorum(let count) = step.collection {
                let targets = step.dispatchMode == .fanOut ? members.filter { $0.profile == step.role }.count : 1
                if count > targets {
                    let who = step.dispatchMode == .fanOut ? "the \(targets) member\(targets == 1 ? "" : "s") of profile \(step.role)"
                        : "the 1 member \(step.dispatchMode.rawValue) sends to"
                    error("\(path).collection.quorum", "\(count) is more than \(who)")
                }
            }
        }
        if let cycle = Self.cycle(in: flow) {
            error("\(base).steps", "the steps \(cycle.joined(separator: " → ")) form a cycle")
        }
        return []
    }

    /// Every step `stepId` depends on, directly or not.
    static func ancestors(of stepId: String, in flow: Flow) -> Set<String> {
        var found: Set<String> = []
        var pending = flow.steps[stepId]?.dependsOn ?? []
        while let next = pending.popLast() {
            guard found.insert(next).inserted else { continue }
            pending += flow.steps[next]?.dependsOn ?? []
        }
        return found
    }

    /// A cycle among the steps, as the ids along it (first repeated at the end), if there is one.
    static func cycle(in flow: Flow) -> [String]? {
        enum Mark { case visiting, done }
        var marks: [String: Mark] = [:]
        var path: [String] = []
        func visit(_ id: String) -> [String]? {
            if marks[id] == .done { return nil }
            if marks[id] == .visiting {
                let start = path.firstIndex(of: id) ?? 0
                return Array(path[start...]) + [id]
            }
            marks[id] = .visiting
            path.append(id)
            for dependency in flow.steps[id]?.dependsOn ?? [] where flow.steps[dependency] != nil {
                if let cycle = visit(dependency) { return cycle }
            }
            path.removeLast()
            marks[id] = .done
            return nil
        }
        for id in flow.steps.keys.sorted() {
            if let cycle = visit(id) { return cycle.reversed() }
        }
        return nil
    }
}

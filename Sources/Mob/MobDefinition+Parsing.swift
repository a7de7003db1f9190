import ArenaProtocol

/// One problem of a mob definition: where (a JSON path such as `$.flows.debate.steps.synth.role`) and what.
public struct MobDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }
    public var path: String
    public var problem: String
    public var severity: Severity

    public init(_ path: String, _ problem: String, severity: Severity = .error) {
        self.path = path
        self.problem = problem
        self.severity = severity
    }

    public var description: String { "\(path): \(severity == .warning ? "warning: " : "")\(problem)" }
}

extension MobDefinition {
    /// Decodes and validates a definition. `personas` are the names a profile may use (built-in and
    /// ./personas/). Every problem is reported, each with its path; the definition is nil when any is an error.
    public static func parse(_ bytes: [UInt8], personas: Set<String>) -> (definition: MobDefinition?, diagnostics: [MobDiagnostic]) {
        guard let value = try? JSONCodec.decodeObject(bytes) else {
            return (nil, [MobDiagnostic("$", "is not JSON (check for a missing comma or quote)")])
        }
        var reader = DefinitionReader()
        let decoded = reader.definition(value)
        var diagnostics = reader.diagnostics
        if let decoded {
            diagnostics += decoded.validate(personas: personas)
        }
        let failed = diagnostics.contains { $0.severity == .error }
        return (failed ? nil : decoded, diagnostics)
    }
}

/// Reads the JSON shape, collecting every problem instead of stopping at the first.
struct DefinitionReader {
    private(set) var diagnostics: [MobDiagnostic] = []

    mutating func error(_ path: String, _ problem: String) { diagnostics.append(MobDiagnostic(path, problem)) }

    static func kind(_ value: JSONValue) -> String { value.kindDescription }

    /// An object; keys outside `known` are warned about (nil: a map whose keys are names).
    mutating func object(_ value: JSONValue?, _ path: String, known: Set<String>?) -> JSONObject? {
        guard let value else { return nil }
        guard case .object(let fields) = value else {
            error(path, "is \(Self.kind(value)), not an object")
            return nil
        }
        if let known {
            for key in fields.keys.sorted() where !known.contains(key) {
                diagnostics.append(MobDiagnostic("\(path).\(key)", "is not a field mowai knows; it is ignored", severity: .warning))
            }
        }
        return fields
    }

    mutating func string(_ value: JSONValue?, _ path: String, required: Bool = false, maxLength: Int = 4096) -> String? {
        guard let value, value != .null else {
            if required { error(path, "is missing") }
            return nil
        }
        guard case .string(let text) = value else {
            error(path, "is \(Self.kind(value)), not a string")
            return nil
        }
        guard text.count <= maxLength else {
            error(path, "is \(text.count) characters long (at most \(maxLength))")
            return nil
        }
        return text
    }

    mutating func identifier(_ value: JSONValue?, _ path: String, required: Bool = true) -> String? {
        guard let text = string(value, path, required: required, maxLength: 64) else { return nil }
        guard Self.isIdentifier(text) else {
            error(path, "\"\(text)\" is not a valid id: use 1 to 64 letters, digits, '-', '_' or '.'")
            return nil
        }
        return text
    }

    static func isIdentifier(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64 && text.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_" || scalar == "."
        }
    }

    mutating func bool(_ value: JSONValue?, _ path: String) -> Bool? {
        guard let value, value != .null else { return nil }
        guard case .bool(let flag) = value else {
            error(path, "is \(Self.kind(value)), not true or false")
            return nil
        }
        return flag
    }

    mutating func integer(_ value: JSONValue?, _ path: String, in range: ClosedRange<Int64>) -> Int64? {
        guard let value, value != .null else { return nil }
        guard case .number(let number) = value else {
            error(path, "is \(Self.kind(value)), not a number")
            return nil
        }
        guard number.isFinite, number.rounded(.towardZero) == number,
              number >= Double(range.lowerBound), number <= Double(range.upperBound) else {
            error(path, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return Int64(number)
    }

    mutating func array(_ value: JSONValue?, _ path: String, max: Int = 10_000) -> [JSONValue]? {
        guard let value, value != .null else { return nil }
        guard case .array(let items) = value else {
            error(path, "is \(Self.kind(value)), not an array")
            return nil
        }
        guard items.count <= max else {
            error(path, "has \(items.count) entries (at most \(max))")
            return nil
        }
        return items
    }

    // MARK: The definition

    mutating func definition(_ value: JSONValue) -> MobDefinition? {
        guard let root = object(value, "$", known: ["id", "orchestrator", "profiles", "members", "wiring", "flows", "on_task", "limits"]) else {
            return nil
        }
        let id = identifier(root["id"], "$.id")
        let orchestrator = string(root["orchestrator"], "$.orchestrator", maxLength: 64)
        var profiles: [String: MobDefinition.Profile] = [:]
        if root["profiles"] == nil { error("$.profiles", "is missing: a mob needs at least one profile") }
        if case .object(let entries)? = root["profiles"], entries.isEmpty { error("$.profiles", "has no profiles: a mob needs at least one") }
        for (name, entry) in (object(root["profiles"], "$.profiles", known: nil) ?? [:]).sorted(by: { $0.key < $1.key }) {
            let path = "$.profiles.\(name)"
            guard DefinitionReader.isIdentifier(name) else {
                error(path, "\"\(name)\" is not a valid profile name: use 1 to 64 letters, digits, '-', '_' or '.'")
                continue
            }
            guard let fields = object(entry, path, known: ["persona", "agent", "model", "peer_description", "skills", "tools"]) else { continue }
            guard let persona = string(fields["persona"], "\(path).persona", required: true, maxLength: 64) else { continue }
            profiles[name] = MobDefinition.Profile(
                persona: persona, agent: string(fields["agent"], "\(path).agent", maxLength: 1024),
                model: string(fields["model"], "\(path).model", maxLength: 1024),
                peerDescription: string(fields["peer_description"], "\(path).peer_description", maxLength: 1024))
        }
        var members: [MobDefinition.MemberSpec] = []
        for (index, item) in (array(root["members"], "$.members") ?? []).enumerated() {
            let path = "$.members[\(index)]"
            guard let fields = object(item, path, known: ["profile", "id", "meerkat_id"]) else { continue }
            let profile = identifier(fields["profile"], "\(path).profile")
            // Meerkat calls it meerkat_id; either is taken.
            let memberId = identifier(fields["id"] ?? fields["meerkat_id"], "\(path).id")
            if let profile, let memberId { members.append(MobDefinition.MemberSpec(profile: profile, id: memberId)) }
        }
        var wiring = MobDefinition.Wiring()
        if let fields = object(root["wiring"], "$.wiring", known: ["auto_wire_orchestrator", "role_wiring"]) {
            wiring.autoWireOrchestrator = bool(fields["auto_wire_orchestrator"], "$.wiring.auto_wire_orchestrator") ?? false
            for (index, item) in (array(fields["role_wiring"], "$.wiring.role_wiring") ?? []).enumerated() {
                let path = "$.wiring.role_wiring[\(index)]"
                guard let pair = object(item, path, known: ["a", "b"]) else { continue }
                if let a = identifier(pair["a"], "\(path).a"), let b = identifier(pair["b"], "\(path).b") {
                    wiring.roleWiring.append(MobDefinition.RolePair(a: a, b: b))
                }
            }
        }
        var flows: [String: Flow] = [:]
        for (flowId, entry) in (object(root["flows"], "$.flows", known: nil) ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let flow = flow(entry, path: "$.flows.\(flowId)", id: flowId) { flows[flowId] = flow }
        }
        let onTask = identifier(root["on_task"], "$.on_task", required: false)
        var limits = MobDefinition.Limits()
        if let fields = object(root["limits"], "$.limits", known: ["max_flow_duration_ms", "max_step_retries", "member_tokens", "mob_tokens"]) {
            limits.maxFlowDurationMs = integer(fields["max_flow_duration_ms"], "$.limits.max_flow_duration_ms", in: 1...86_400_000) ?? limits.maxFlowDurationMs
            limits.maxStepRetries = Int(integer(fields["max_step_retries"], "$.limits.max_step_retries", in: 0...10) ?? 0)
            limits.memberTokens = integer(fields["member_tokens"], "$.limits.member_tokens", in: 1...1_000_000_000_000)
            limits.mobTokens = integer(fields["mob_tokens"], "$.limits.mob_tokens", in: 1...1_000_000_000_000)
        }
        guard let id else { return nil }
        return MobDefinition(id: id, orchestrator: orchestrator, profiles: profiles, members: members, wiring: wiring,
                             flows: flows, onTask: onTask, limits: limits)
    }

    mutating func flow(_ value: JSONValue, path: String, id: String) -> Flow? {
        guard DefinitionReader.isIdentifier(id) else {
            error(path, "\"\(id)\" is not a valid flow id: use 1 to 64 letters, digits, '-', '_' or '.'")
            return nil
        }
        guard let fields = object(value, path, known: ["description", "steps"]) else { return nil }
        var steps: [String: Step] = [:]
        if fields["steps"] == nil { error("\(path).steps", "is missing: a flow needs at least one step") }
        if case .object(let entries)? = fields["steps"], entries.isEmpty { error("\(path).steps", "has no steps: a flow needs at least one") }
        if case .object(let entries)? = fields["steps"], entries.count > 1000 {
            error("\(path).steps", "has \(entries.count) steps (at most 1000)")
            return nil
        }
        for (stepId, entry) in (object(fields["steps"], "\(path).steps", known: nil) ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let step = step(entry, path: "\(path).steps.\(stepId)", id: stepId) { steps[stepId] = step }
        }
        return Flow(description: string(fields["description"], "\(path).description") ?? "", steps: steps)
    }

    mutating func step(_ value: JSONValue, path: String, id: String) -> Step? {
        guard DefinitionReader.isIdentifier(id) else {
            error(path, "\"\(id)\" is not a valid step id: use 1 to 64 letters, digits, '-', '_' or '.'")
            return nil
        }
        guard let fields = object(value, path, known: ["role", "message", "depends_on", "dispatch_mode", "collection", "timeout_ms",
                                                        "failure_policy"]) else { return nil }
        let role = identifier(fields["role"], "\(path).role")
        var message: Template?
        if let text = string(fields["message"], "\(path).message", required: true, maxLength: 16_384) {
            do { message = try Template(parsing: text) } catch { self.error("\(path).message", error.description) }
        }
        var dependsOn: [String] = []
        for (index, item) in (array(fields["depends_on"], "\(path).depends_on", max: 256) ?? []).enumerated() {
            if let dependency = identifier(item, "\(path).depends_on[\(index)]") { dependsOn.append(dependency) }
        }
        var dispatchMode = DispatchMode.fanOut
        if let text = string(fields["dispatch_mode"], "\(path).dispatch_mode") {
            if let mode = DispatchMode(rawValue: text) { dispatchMode = mode } else {
                error("\(path).dispatch_mode", "\"\(text)\" is not a dispatch mode: use fan_out, one_to_one or fan_in")
            }
        }
        var collection = Collection.all
        switch fields["collection"] {
        case nil, .null?: break
        case .string("all")?: collection = .all
        case .string("any")?: collection = .any
        case .object(let quorum)?:
            if let count = integer(quorum["quorum"], "\(path).collection.quorum", in: 1...10_000) { collection = .quorum(Int(count)) }
            else if quorum["quorum"] == nil { error("\(path).collection", "an object collection must be {\"quorum\": N}") }
        case let other?:
            error("\(path).collection", "\(DefinitionReader.describe(other)) is not a collection: use \"all\", \"any\" or {\"quorum\": N}")
        }
        let timeout = integer(fields["timeout_ms"], "\(path).timeout_ms", in: 1...86_400_000)
        var policy = FailurePolicy.escalate
        if let text = string(fields["failure_policy"], "\(path).failure_policy") {
            if let parsed = FailurePolicy(rawValue: text) { policy = parsed } else {
                error("\(path).failure_policy", "\"\(text)\" is not a failure policy: use escalate or continue")
            }
        }
        guard let role, let message else { return nil }
        return Step(role: role, message: message, dependsOn: dependsOn, dispatchMode: dispatchMode, collection: collection,
                    timeoutMs: timeout, failurePolicy: policy)
    }

    static func describe(_ value: JSONValue) -> String {
        if case .string(let text) = value { return "\"\(text)\"" }
        return kind(value)
    }
}

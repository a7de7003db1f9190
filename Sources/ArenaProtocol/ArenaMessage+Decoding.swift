/// The one decoder of what arenas send (the original Arena, `mowai arena`, or anything pretending to be one).
extension ArenaMessage {
    /// Decodes one WebSocket message. Arenas send JSON text frames; a binary frame is malformed (the
    /// relay accepts binary JSON from clients, but no arena sends it).
    public init(frame bytes: [UInt8], isBinary: Bool = false) {
        if isBinary {
            self = .malformed(MalformedFrame(type: nil, field: "frame", problem: "is binary (\(bytes.count) bytes); arenas send JSON text"))
            return
        }
        guard let value = try? JSONCodec.decodeObject(bytes) else {
            self = .malformed(MalformedFrame(type: nil, field: "frame", problem: "is not JSON (\(bytes.count) bytes)"))
            return
        }
        guard case .object(let object) = value else {
            self = .malformed(MalformedFrame(type: nil, field: "frame", problem: "is \(FieldReader.kind(of: value)), not a JSON object"))
            return
        }
        self.init(object)
    }

    /// Decodes a message already parsed as a JSON object (a frame, or an entry of a snapshot's history).
    public init(_ message: JSONObject) {
        guard let typeValue = message["type"] else {
            self = .malformed(MalformedFrame(type: nil, field: "type", problem: "is missing"))
            return
        }
        guard case .string(let name) = typeValue else {
            self = .malformed(MalformedFrame(type: nil, field: "type", problem: "is \(FieldReader.kind(of: typeValue)), not a string"))
            return
        }
        guard let type = MessageType(rawValue: name) else {
            self = .unknown(type: name.javaScriptPrefix(ProtocolLimits.maxUnknownTypeLength))
            return
        }
        do throws(MalformedFrame) {
            self = try Self.decode(type, FieldReader(message, type: type.rawValue))
        } catch {
            self = .malformed(error)
        }
    }

    /// `GET /agents` of either arena: the roster, every entry bounded like AGENT_JOIN's.
    public static func roster(fromAgentsBody bytes: [UInt8]) -> Result<[RosterEntry], MalformedFrame> {
        guard let value = try? JSONCodec.decodeObject(bytes) else {
            return .failure(MalformedFrame(type: "GET /agents", field: "body", problem: "is not JSON"))
        }
        do throws(MalformedFrame) {
            let reader = FieldReader(["agents": value], type: "GET /agents")
            return .success(try reader.array("agents", max: ProtocolLimits.maxRosterEntries) { entry throws(MalformedFrame) in try entry.rosterEntry(agentId: nil) })
        } catch {
            return .failure(error)
        }
    }

    private static func decode(_ type: MessageType, _ message: FieldReader) throws(MalformedFrame) -> ArenaMessage {
        switch type {
        case .ping: return .ping
        case .pong: return .pong
        case .arenaAck:
            let payload = try message.object("payload")
            return .ack(ArenaAck(slot: try payload.integer("slot", in: 0...ProtocolLimits.maxSlot),
                                 connectedPeers: try payload.optionalInteger("connectedPeers", in: 0...ProtocolLimits.maxPeers)))
        case .globalTask:
            return .task(try message.object("payload").task())
        case .agentThought:
            return .thought(try message.thought())
        case .agentResponse:
            return .response(try message.response())
        case .peerThought:
            let payload = try message.object("payload")
            return .peerThought(PeerThought(
                sourceAgentId: try payload.uuid("sourceAgentId"), taskId: try payload.uuid("taskId"),
                step: try payload.integer("step", in: 1...ProtocolLimits.maxStep),
                content: try payload.string("content", max: ProtocolLimits.maxThoughtLength)))
        case .agentDisconnect:
            let payload = try message.object("payload")
            return .agentLeft(AgentLeft(agentId: try message.uuid("agentId"),
                                        reason: try payload.optionalString("reason", max: ProtocolLimits.maxReasonLength)))
        case .arenaError:
            return .error(reason: try message.object("payload").string("reason", max: ProtocolLimits.maxReasonLength))
        case .arenaSnapshot:
            let payload = try message.object("payload")
            return .snapshot(ArenaSnapshot(
                agents: try payload.array("agents", max: ProtocolLimits.maxRosterEntries) { entry throws(MalformedFrame) in try entry.rosterEntry(agentId: nil) },
                tasks: try payload.array("tasks", max: ProtocolLimits.maxSnapshotTasks) { task throws(MalformedFrame) in try task.task() },
                history: try payload.array("history", max: ProtocolLimits.maxSnapshotHistory) { post throws(MalformedFrame) in try post.post() },
                isAdmin: try payload.optionalBool("admin")))
        case .agentJoin:
            return .agentJoined(try message.object("payload").rosterEntry(agentId: try message.uuid("agentId")))
        case .tasksCleared:
            return .tasksCleared
        case .adminResult:
            let payload = try message.object("payload")
            return .adminResult(AdminResult(
                action: try payload.string("action", max: ProtocolLimits.maxAdminActionLength),
                succeeded: try payload.bool("ok"),
                error: try payload.optionalString("error", max: ProtocolLimits.maxReasonLength)))
        case .agentConnect, .spectate, .adminAuth, .adminTask, .adminKick, .adminClearTasks:
            // Types clients send: an arena that sends one back is confused.
            throw MalformedFrame(type: type.rawValue, field: "type", problem: "is a message clients send, not arenas")
        }
    }
}

/// Reads the fields of one JSON object, checking each as it goes; the first problem is thrown with the
/// path of the field at fault.
struct FieldReader {
    let object: JSONObject
    let type: String?
    /// Where this object sits in the message ("payload", "history[2]"); empty for the message itself.
    let path: String

    /// `type` names the message in reasons ("GLOBAL_TASK", "GET /agents").
    init(_ object: JSONObject, type: String?, path: String = "") {
        self.object = object
        self.type = type
        self.path = path
    }

    func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func problem(_ key: String, _ text: String) -> MalformedFrame {
        MalformedFrame(type: type, field: fieldPath(key), problem: text)
    }

    private func required(_ key: String) throws(MalformedFrame) -> JSONValue {
        guard let value = object[key] else { throw problem(key, "is missing") }
        return value
    }

    // MARK: Objects and arrays

    func object(_ key: String) throws(MalformedFrame) -> FieldReader {
        let value = try required(key)
        guard case .object(let fields) = value else { throw problem(key, "is \(Self.kind(of: value)), not an object") }
        return FieldReader(fields, type: type, path: fieldPath(key))
    }

    /// An array of at most `max` objects, each read by `read`.
    func array<Element>(
        _ key: String, max: Int, each read: (FieldReader) throws(MalformedFrame) -> Element
    ) throws(MalformedFrame) -> [Element] {
        let value = try required(key)
        guard case .array(let items) = value else { throw problem(key, "is \(Self.kind(of: value)), not an array") }
        guard items.count <= max else { throw problem(key, "has \(items.count) entries (at most \(max))") }
        var elements: [Element] = []
        elements.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            let itemPath = "\(fieldPath(key))[\(index)]"
            guard case .object(let fields) = item else {
                throw MalformedFrame(type: type, field: itemPath, problem: "is \(Self.kind(of: item)), not an object")
            }
            elements.append(try read(FieldReader(fields, type: type, path: itemPath)))
        }
        return elements
    }

    // MARK: Strings

    /// A string of at most `max` UTF-16 code units (the contract's lengths are JavaScript lengths).
    func string(_ key: String, max: Int) throws(MalformedFrame) -> String {
        let value = try required(key)
        guard case .string(let text) = value else { throw problem(key, "is \(Self.kind(of: value)), not a string") }
        let length = text.javaScriptLength
        guard length <= max else { throw problem(key, "is \(length) characters long (at most \(max))") }
        return text
    }

    func optionalString(_ key: String, max: Int) throws(MalformedFrame) -> String? {
        guard let value = object[key], value != .null else { return nil }
        return try string(key, max: max)
    }

    /// A UUID v4, as the arenas write agent and task ids.
    func uuid(_ key: String) throws(MalformedFrame) -> String {
        let text = try string(key, max: 36)
        guard UUIDv4.isValid(text) else { throw problem(key, "is not a UUID v4") }
        return text
    }

    // MARK: Numbers

    /// An integer in `range`. JSON numbers arrive as doubles: a fraction, a value beyond the range (and
    /// so beyond `Int`) or a non-finite value is refused before any conversion could trap.
    func integer(_ key: String, in range: ClosedRange<Int64>) throws(MalformedFrame) -> Int {
        Int(try integer64(key, in: range))
    }

    func optionalInteger(_ key: String, in range: ClosedRange<Int64>) throws(MalformedFrame) -> Int? {
        guard let value = object[key], value != .null else { return nil }
        return try integer(key, in: range)
    }

    func integer64(_ key: String, in range: ClosedRange<Int64>) throws(MalformedFrame) -> Int64 {
        let number = try self.number(key)
        guard number.rounded(.towardZero) == number,
              number >= Double(range.lowerBound), number <= Double(range.upperBound) else {
            throw problem(key, "must be an integer from \(range.lowerBound) to \(range.upperBound) (got \(JavaScript.numberString(number)))")
        }
        return Int64(number)
    }

    /// A number in `range`, fractions allowed.
    func number(_ key: String, in range: ClosedRange<Double>) throws(MalformedFrame) -> Double {
        let number = try self.number(key)
        guard range.contains(number) else {
            throw problem(key, "must be a number from \(JavaScript.numberString(range.lowerBound)) to \(JavaScript.numberString(range.upperBound)) (got \(JavaScript.numberString(number)))")
        }
        return number
    }

    private func number(_ key: String) throws(MalformedFrame) -> Double {
        let value = try required(key)
        guard case .number(let number) = value else { throw problem(key, "is \(Self.kind(of: value)), not a number") }
        guard number.isFinite else { throw problem(key, "is not a finite number") }
        return number
    }

    // MARK: Booleans

    func bool(_ key: String) throws(MalformedFrame) -> Bool {
        let value = try required(key)
        guard case .bool(let flag) = value else { throw problem(key, "is \(Self.kind(of: value)), not true or false") }
        return flag
    }

    func optionalBool(_ key: String) throws(MalformedFrame) -> Bool? {
        guard let value = object[key], value != .null else { return nil }
        return try bool(key)
    }

    static func kind(of value: JSONValue) -> String { value.kindDescription }
}

// MARK: The shapes that appear in more than one message

extension FieldReader {
    func task() throws(MalformedFrame) -> GlobalTaskPayload {
        GlobalTaskPayload(taskId: try uuid("taskId"),
                          description: try string("description", max: ProtocolLimits.maxTaskDescriptionLength),
                          issuedAt: try integer64("issuedAt", in: 0...ProtocolLimits.maxTimestampMs))
    }

    /// A roster entry (AGENT_JOIN's payload, a snapshot's or `GET /agents`' entry). `agentId` is the
    /// envelope's, for messages that carry it there.
    func rosterEntry(agentId envelopeAgentId: String?) throws(MalformedFrame) -> RosterEntry {
        let agentId: String
        if let envelopeAgentId, object["agentId"] == nil { agentId = envelopeAgentId } else { agentId = try uuid("agentId") }
        return RosterEntry(
            agentId: agentId, slot: try integer("slot", in: 0...ProtocolLimits.maxSlot),
            name: try string("name", max: ProtocolLimits.maxNameLength),
            color: try string("color", max: ProtocolLimits.maxColorLength),
            persona: try string("persona", max: ProtocolLimits.maxPersonaLength),
            version: try string("version", max: ProtocolLimits.maxVersionLength),
            connectedAt: try integer64("connectedAt", in: 0...ProtocolLimits.maxTimestampMs))
    }

    func thought() throws(MalformedFrame) -> RelayedThought {
        let payload = try object("payload")
        return RelayedThought(
            agentId: try uuid("agentId"), seq: try integer64("seq", in: 0...ProtocolLimits.maxSeq),
            ts: try integer64("ts", in: 0...ProtocolLimits.maxTimestampMs),
            taskId: try payload.uuid("taskId"), step: try payload.integer("step", in: 1...ProtocolLimits.maxStep),
            content: try payload.string("content", max: ProtocolLimits.maxThoughtLength))
    }

    func response() throws(MalformedFrame) -> RelayedResponse {
        let payload = try object("payload")
        return RelayedResponse(
            agentId: try uuid("agentId"), seq: try integer64("seq", in: 0...ProtocolLimits.maxSeq),
            ts: try integer64("ts", in: 0...ProtocolLimits.maxTimestampMs),
            taskId: try payload.uuid("taskId"),
            content: try payload.string("content", max: ProtocolLimits.maxResponseLength),
            durationMs: try payload.number("durationMs", in: 0...ProtocolLimits.maxDurationMs))
    }

    /// An entry of a snapshot's history: a relayed thought or response, whole.
    func post() throws(MalformedFrame) -> AgentPost {
        switch try string("type", max: ProtocolLimits.maxUnknownTypeLength) {
        case MessageType.agentThought.rawValue: return .thought(try thought())
        case MessageType.agentResponse.rawValue: return .response(try response())
        default: throw problem("type", "must be AGENT_THOUGHT or AGENT_RESPONSE")
        }
    }
}

/// The JSON body of an arena's reply to an admin request (`POST /task`, `/kick`, `/clear-tasks`), as
/// much of it as the console shows: each field bounded, a field that is wrong counts as absent (the
/// status code already says whether it worked).
public struct AdminReply: Sendable, Equatable {
    public var taskId: String?
    public var cleared: Int?
    public var error: String?

    public init(body bytes: [UInt8]) {
        guard case .object(let object)? = try? JSONCodec.decodeObject(bytes) else { return }
        let reader = FieldReader(object, type: "admin reply")
        taskId = try? reader.uuid("taskId")
        cleared = try? reader.integer("cleared", in: 0...Int64(ProtocolLimits.maxSnapshotTasks))
        error = try? reader.string("error", max: ProtocolLimits.maxReasonLength)
    }
}

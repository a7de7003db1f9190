/// The frames a client ignored because they were malformed or of an unknown type. Each kind of problem
/// (`MalformedFrame.kind`: per message type; unknown types together) is told to the user once, and a
/// flood is summed up now and then rather than told frame by frame. Kinds are few by construction, so
/// a hostile arena cannot fill the screen by varying its mistakes.
public struct RejectedFrames: Sendable, Equatable {
    public private(set) var count = 0
    private var toldKinds: Set<String> = []

    public init() {}

    /// Counts `message` if it is malformed or unknown; returns what to tell the user, or nil when
    /// nothing new is to be said (or the message was fine).
    public mutating func record(_ message: ArenaMessage) -> String? {
        let kind: String
        let sentence: String
        switch message {
        case .malformed(let frame):
            kind = frame.kind
            sentence = "ignored a malformed frame from the arena: \(frame)"
        case .unknown(let type):
            kind = "unknown type"
            sentence = "ignored a message of a type this version does not know: \(type)"
        default:
            return nil
        }
        count += 1
        if toldKinds.insert(kind).inserted {
            return sentence + " (frames like it are not shown again)"
        }
        if Self.isMilestone(count) {
            return "\(count) frames from the arena ignored so far (malformed or of unknown types)"
        }
        return nil
    }

    /// 10, 100, 1000, …: a flood costs a handful of lines, not one per frame.
    private static func isMilestone(_ count: Int) -> Bool {
        guard count >= 10 else { return false }
        var rest = count
        while rest % 10 == 0 { rest /= 10 }
        return rest == 1
    }
}

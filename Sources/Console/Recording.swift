import ArenaProtocol

/// A workshop recording (`mowai arena --record`), read for `mowai tui --replay`: one JSON object per
/// line, `{"v":1,"ts":WALL_MS,"message":{…}}`. Reading stops at the first line that is not one (a
/// truncated last line, a corrupt one, or one from a newer mowai): what came before plays, and the stop
/// says where and why.
public struct Recording: Sendable, Equatable {
    public struct Frame: Sendable, Equatable {
        /// 1-based, as editors number lines.
        public let line: Int
        public let ts: Int64
        public let message: ArenaMessage
        public var isTask: Bool { if case .task = message { return true } else { return false } }
    }

    public enum Stop: Error, Sendable, Equatable, CustomStringConvertible {
        case truncated(line: Int)
        case corrupt(line: Int, reason: String)
        case newerVersion(line: Int, version: Int)

        public var description: String {
            switch self {
            case .truncated(let line): return "the recording ends mid-line at line \(line) (cut off while it was written?)"
            case .corrupt(let line, let reason): return "line \(line) is not a recorded event (\(reason))"
            case .newerVersion(let line, let version): return "line \(line) is in format v\(version), from a newer mowai: update mowai to play the rest"
            }
        }
    }

    public static let formatVersion = 1
    /// Lines longer than this are corrupt: a recorded message is at most a few kilobytes.
    public static let maxLineBytes = 64 * 1024

    public let frames: [Frame]
    public let stop: Stop?

    public init(frames: [Frame], stop: Stop?) {
        self.frames = frames
        self.stop = stop
    }

    public static func parse(_ bytes: [UInt8]) -> Recording {
        var frames: [Frame] = []
        var start = 0
        var line = 0
        while start < bytes.count {
            line += 1
            let end = bytes[start...].firstIndex(of: 0x0A)
            let content = Array(bytes[start..<(end ?? bytes.count)])
            start = (end ?? bytes.count) + 1
            if content.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
            switch frame(content, line: line) {
            case .success(let frame):
                frames.append(frame)
            case .failure(let stop):
                // A last line without its newline was being written when the file was cut.
                if end == nil, case .corrupt = stop { return Recording(frames: frames, stop: .truncated(line: line)) }
                return Recording(frames: frames, stop: stop)
            }
        }
        return Recording(frames: frames, stop: nil)
    }

    static func frame(_ content: [UInt8], line: Int) -> Result<Frame, Stop> {
        guard content.count <= maxLineBytes else { return .failure(.corrupt(line: line, reason: "over \(maxLineBytes) bytes")) }
        guard let value = try? JSONCodec.decode(JSONValue.self, from: content), let object = value.objectValue else {
            return .failure(.corrupt(line: line, reason: "not a JSON object"))
        }
        guard let version = object["v"]?.numberValue, version == version.rounded(), version >= 1, version < 1_000_000 else {
            return .failure(.corrupt(line: line, reason: "no format version"))
        }
        guard Int(version) <= formatVersion else { return .failure(.newerVersion(line: line, version: Int(version))) }
        guard let ts = object["ts"]?.numberValue, ts.isFinite, ts >= 0, ts < 1e15 else {
            return .failure(.corrupt(line: line, reason: "no time"))
        }
        guard let message = object["message"], message.objectValue != nil else { return .failure(.corrupt(line: line, reason: "no message")) }
        let decoded = ArenaMessage(frame: JSONCodec.encode(message))
        switch decoded {
        case .task, .thought, .response, .agentJoined, .agentLeft, .tasksCleared:
            return .success(Frame(line: line, ts: Int64(ts), message: decoded))
        default:
            return .failure(.corrupt(line: line, reason: "not a task, thought, response, join, leave or clearing"))
        }
    }
}

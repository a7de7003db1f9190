import Foundation
import Glibc
import Synchronization

/// The scripted hostile arena (`Tests/Interop/hostile-arena.cjs`, Node with Debian's node-ws): every
/// connection first gets malformed, out-of-range, overlong, escape-laden, unknown, out-of-order and binary
/// frames and a flood, then (after one hostile close) a well-behaved ARENA_ACK and task. Its stdout
/// lines say what happened (`phase good N`, `answered TASK`).
public final class HostileArena: ListeningScript, @unchecked Sendable {
    public var webSocketURL: String { "ws://127.0.0.1:\(port)" }

    /// `goodTask` is the description of the well-behaved task (escapes in it must be shown inert).
    public init(goodTask: String? = nil, flood: Int = 10_000) throws {
        let options = ["--port", "0", "--flood", "\(flood)"] + (goodTask.map { ["--good-task", $0] } ?? [])
        try super.init(["node", Self.interop("hostile-arena.cjs")] + options,
                       failure: "the hostile arena did not start (is node-ws installed? `make setup`)")
    }

    /// The id of the first task answered in the good phase, once there is one.
    public func answeredTask(within seconds: Double) async throws -> String {
        var answered: String?
        _ = try await eventually(within: seconds) {
            answered = self.output.split(separator: "\n").first { $0.hasPrefix("answered ") }.map { String($0.dropFirst(9)) }
            return answered != nil
        }
        guard let answered else { throw ArenaTestError("no task answered in the good phase within \(seconds) s; the arena said:\n\(output)") }
        return answered
    }
}

/// Bytes a terminal would obey rather than show: C0 controls but the line feed, DEL, the C1 controls
/// (U+0080–U+009F) and the bidi overrides and isolates, each as its UTF-8 encoding.
public func rawControls(in data: Data) -> [String] {
    let bytes = [UInt8](data)
    var found: [String] = []
    var index = 0
    while index < bytes.count {
        let byte = bytes[index]
        if (byte < 0x20 && byte != 0x0A) || byte == 0x7F {
            found.append(String(format: "0x%02X at %d", byte, index))
        } else if byte == 0xC2, index + 1 < bytes.count, (0x80...0x9F).contains(bytes[index + 1]) {
            found.append(String(format: "U+00%02X at %d", bytes[index + 1], index))
        } else if byte == 0xE2, index + 2 < bytes.count,
                  (bytes[index + 1] == 0x80 && (0xAA...0xAE).contains(bytes[index + 2])) || (bytes[index + 1] == 0x81 && (0xA6...0xA9).contains(bytes[index + 2])) {
            found.append(String(format: "bidi E2 %02X %02X at %d", bytes[index + 1], bytes[index + 2], index))
        }
        index += 1
        if found.count > 10 { break }
    }
    return found
}

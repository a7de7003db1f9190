import Foundation
import ArenaRelay
import SafeText
#if canImport(Glibc)
import Glibc
#endif

/// The one logger of a server (the arena, the model server): lines to stderr (or a file), filtered by
/// level. Never writes to stdout, which carries only the "listening on" line that scripts and tests
/// read. Every line goes through `Sanitizer.line`: a client's name cannot retitle the lead's terminal
/// or forge a log line.
public struct Log: Sendable {
    /// Lines for people, or one JSON object per line for log shippers.
    public enum Format: String, Sendable, CaseIterable {
        case text, json
    }

    public let minimumLevel: LogLevel
    /// Where lines go: stderr for `mowai arena`; a file (or nothing, -1) when a console owns the terminal.
    public let fileDescriptor: Int32
    /// Which server speaks: "[arena] info: …".
    public let tag: String
    public let format: Format

    public init(minimumLevel: LogLevel, fileDescriptor: Int32 = 2, tag: String = "arena", format: Format = .text) {
        self.minimumLevel = minimumLevel
        self.fileDescriptor = fileDescriptor
        self.tag = tag
        self.format = format
    }

    public func callAsFunction(_ level: LogLevel, _ message: @autoclosure () -> String) {
        guard level >= minimumLevel, fileDescriptor >= 0 else { return }
        // Messages carry what clients sent (names, personas, reasons, paths): one line each, no controls.
        let text = Sanitizer.line(message())
        let line: [UInt8]
        switch format {
        case .text: line = Array("[\(tag)] \(level.name): \(text)\n".utf8)
        case .json: line = Self.jsonLine(level: level, source: tag, message: text)
        }
        _ = line.withUnsafeBytes { Glibc.write(fileDescriptor, $0.baseAddress, $0.count) }
    }
}

extension Log {
    /// {"level":"info","message":"…","source":"arena","time":"2026-12-06T02:13:16.123Z"} and a line feed.
    static func jsonLine(level: LogLevel, source: String, message: String, at date: Date = Date()) -> [UInt8] {
        struct Line: Encodable {
            let time: String
            let level: String
            let source: String
            let message: String
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let line = Line(time: formatter.string(from: date), level: level.name, source: source, message: message)
        // The fields are plain strings, which always encode.
        return Array((try? encoder.encode(line)) ?? Data()) + [0x0A]
    }
}

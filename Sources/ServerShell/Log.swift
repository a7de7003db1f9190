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
    public let minimumLevel: LogLevel
    /// Where lines go: stderr for `mowai arena`; a file (or nothing, -1) when a console owns the terminal.
    public let fileDescriptor: Int32
    /// Which server speaks: "[arena] info: …".
    public let tag: String

    public init(minimumLevel: LogLevel, fileDescriptor: Int32 = 2, tag: String = "arena") {
        self.minimumLevel = minimumLevel
        self.fileDescriptor = fileDescriptor
        self.tag = tag
    }

    public func callAsFunction(_ level: LogLevel, _ message: @autoclosure () -> String) {
        guard level >= minimumLevel, fileDescriptor >= 0 else { return }
        // Messages carry what clients sent (names, personas, reasons, paths): one line each, no controls.
        let line = Array("[\(tag)] \(level.name): \(Sanitizer.line(message()))\n".utf8)
        _ = line.withUnsafeBytes { Glibc.write(fileDescriptor, $0.baseAddress, $0.count) }
    }
}

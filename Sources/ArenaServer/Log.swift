import ArenaRelay
#if canImport(Glibc)
import Glibc
#endif

/// The one logger of the arena: lines to stderr, filtered by level. Never writes to stdout, which
/// carries only the "listening on" line that scripts and tests read.
public struct Log: Sendable {
    public let minimumLevel: LogLevel

    public init(minimumLevel: LogLevel) { self.minimumLevel = minimumLevel }

    public func callAsFunction(_ level: LogLevel, _ message: @autoclosure () -> String) {
        guard level >= minimumLevel else { return }
        let line = Array("[arena] \(level.name): \(message())\n".utf8)
        _ = line.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}

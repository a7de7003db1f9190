/// What the relay asks its shell to do. Plain values, so tests compare them.
public enum RelayEffect: Sendable, Equatable {
    /// Send one JSON text message to each connection listed, in order.
    case send([UInt8], to: [ConnectionID])
    /// Close the connection with a WebSocket close code and reason.
    case close(ConnectionID, code: CloseCode, reason: String)
    case log(LogLevel, String)
    /// A message for the workshop's recording (`--record`): the JSON spectators see of a task, thought,
    /// response, join, leave or clearing, whether or not anybody watches. Only with `recordsEvents`.
    case record([UInt8])
}

public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case debug, info, warn, error

    public var name: String { String(describing: self) }
    public init?(name: String) {
        guard let level = Self.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = level
    }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The WebSocket close codes the arena uses (RFC 6455 §7.4.1).
public struct CloseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let normal = CloseCode(rawValue: 1000)
    /// Idle timeout and server shutdown.
    public static let goingAway = CloseCode(rawValue: 1001)
    public static let invalidPayload = CloseCode(rawValue: 1007)
    /// Protocol violations, invalid connects, error rate exceeded, kicks.
    public static let policyViolation = CloseCode(rawValue: 1008)
    /// A frame over 8192 bytes.
    public static let messageTooBig = CloseCode(rawValue: 1009)
    public static let tryAgainLater = CloseCode(rawValue: 1013)

    public var description: String { String(rawValue) }
}

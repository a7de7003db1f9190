/// What a WebSocket connection reports, in order.
public enum WebSocketEvent: Sendable, Equatable {
    /// One complete message.
    case message([UInt8], isBinary: Bool)
    /// The connection ended. `code` is the peer's close code: 1005 when its close frame carried none,
    /// 1006 when the connection dropped without a close frame.
    case closed(code: UInt16, reason: String)

    public var text: String? {
        if case .message(let bytes, false) = self { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }
}

public enum WebSocketError: Error, Equatable, CustomStringConvertible {
    case invalidURL(String)
    case connectFailed(url: String, reason: String)
    case clientUnavailable(String)

    public var description: String {
        switch self {
        case .invalidURL(let url):
            return "\(url) is not a WebSocket URL: use ws://host:port or wss://host:port"
        case .connectFailed(let url, let reason):
            return "cannot connect to \(url): \(reason) — check the address and that the arena is running"
        case .clientUnavailable(let reason):
            return "the WebSocket client could not start: \(reason)"
        }
    }
}

/// How to connect: extra handshake headers and TLS trust.
public struct WebSocketOptions: Sendable {
    /// Extra request headers for the upgrade, e.g. ("X-Admin-Secret", secret). Never put secrets in URLs.
    public var headers: [(name: String, value: String)] = []
    /// Largest incoming message accepted; bigger ones close the connection (1009).
    public var maxMessageBytes = 16 * 1024 * 1024

    public init(headers: [(name: String, value: String)] = []) {
        self.headers = headers
    }
}

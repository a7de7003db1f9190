import Synchronization

/// One client WebSocket. Events arrive on `events`; `send` and `close` may be called from any thread.
/// The socket itself belongs to its hub's service thread.
public final class WebSocketConnection: Sendable {
    public let url: WebSocketURL
    public let events: AsyncStream<WebSocketEvent>
    let options: WebSocketOptions
    let continuation: AsyncStream<WebSocketEvent>.Continuation
    let hub: WebSocketHub

    struct Shared {
        var outbox: [(bytes: [UInt8], isBinary: Bool)] = []
        var closeRequest: (code: UInt16, reason: String)?
        var connected: CheckedContinuation<Void, any Error>?
    }
    let shared = Mutex(Shared())

    /// Owned by the service thread only.
    nonisolated(unsafe) var wsi: OpaquePointer?
    nonisolated(unsafe) var input: [UInt8] = []
    nonisolated(unsafe) var peerClose: (code: UInt16, reason: String)?
    nonisolated(unsafe) var isEstablished = false
    /// Set once the connection has ended and released its socket's reference; lws may report the end
    /// more than once (an error, then the socket's destruction).
    nonisolated(unsafe) var isFinished = false

    init(url: WebSocketURL, options: WebSocketOptions, hub: WebSocketHub) {
        self.url = url
        self.options = options
        self.hub = hub
        (events, continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
    }

    /// Opens a connection; returns once the handshake has succeeded, throws if it failed.
    public static func connect(
        to address: String, options: WebSocketOptions = WebSocketOptions(), hub: WebSocketHub? = nil
    ) async throws -> WebSocketConnection {
        guard let url = WebSocketURL(address) else { throw WebSocketError.invalidURL(address) }
        let connection = WebSocketConnection(url: url, options: options, hub: try hub ?? WebSocketHub.shared())
        try await withCheckedThrowingContinuation { (resume: CheckedContinuation<Void, any Error>) in
            connection.shared.withLock { $0.connected = resume }
            connection.hub.submit(.connect(connection))
        }
        return connection
    }

    public func send(_ text: String) {
        send(bytes: Array(text.utf8), isBinary: false)
    }

    public func send(bytes: [UInt8], isBinary: Bool = false) {
        shared.withLock { $0.outbox.append((bytes, isBinary)) }
        hub.submit(.write(self))
    }

    /// Sends a close frame after whatever is queued; `events` then ends with `.closed`.
    public func close(code: UInt16 = 1000, reason: String = "") {
        shared.withLock { $0.closeRequest = $0.closeRequest ?? (code, reason) }
        hub.submit(.write(self))
    }

    /// Resumes `connect` exactly once.
    func finishConnecting(_ result: Result<Void, any Error>) {
        let waiting = shared.withLock { state -> CheckedContinuation<Void, any Error>? in
            defer { state.connected = nil }
            return state.connected
        }
        waiting?.resume(with: result)
    }
}

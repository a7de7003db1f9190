import ArenaProtocol
import Synchronization

/// The socket of a client that reconnects (the console, a local agent): each attempt is numbered, and
/// events of an abandoned attempt are dropped, so a late handshake or close of an old socket never
/// reaches the owner of the new one. Messages arrive decoded by `ArenaMessage`, malformed ones as values.
public final class ArenaLink: Sendable {
    public enum Event: Sendable {
        case opened
        case message(ArenaMessage)
        /// The socket closed or could not open, worded for a person.
        case lost(reason: String)
    }

    private let state = Mutex<(generation: Int, connection: WebSocketConnection?)>((0, nil))

    public init() {}

    /// Opens a new connection, abandoning the current one (closed with 1001). Events go to `onEvent`
    /// from a task of their own, in order, until the attempt is abandoned.
    public func open(_ url: WebSocketURL, headers: [(name: String, value: String)] = [], hub: WebSocketHub,
                     onEvent: @escaping @Sendable (Event) -> Void) {
        let generation = state.withLock { state -> Int in
            state.connection?.close(code: 1001, reason: "reconnecting")
            state = (state.generation + 1, nil)
            return state.generation
        }
        Task.detached { [self] in
            let isCurrent = { self.state.withLock { $0.generation } == generation }
            do {
                let connection = try await WebSocketConnection.connect(to: "\(url)", options: WebSocketOptions(headers: headers), hub: hub)
                let adopted = self.state.withLock { state -> Bool in
                    guard state.generation == generation else { return false }
                    state.connection = connection
                    return true
                }
                guard adopted else { return connection.close() }
                onEvent(.opened)
                for await event in connection.events {
                    guard isCurrent() else { return }
                    switch event {
                    case .message(let bytes, let isBinary):
                        onEvent(.message(ArenaMessage(frame: bytes, isBinary: isBinary)))
                    case .closed(let code, let reason):
                        onEvent(.lost(reason: reason.isEmpty ? "closed (\(code))" : "closed (\(code) \(reason))"))
                    }
                }
            } catch {
                guard isCurrent() else { return }
                onEvent(.lost(reason: Self.reason(error)))
            }
        }
    }

    public func send(_ message: JSONValue) {
        state.withLock { $0.connection }?.send(bytes: JSONCodec.encode(message))
    }

    /// Closes the connection and abandons the attempt: nothing more is reported for it.
    public func close(code: UInt16, reason: String) {
        state.withLock { state in
            state.connection?.close(code: code, reason: reason)
            state = (state.generation + 1, nil)
        }
    }

    /// A failed handshake in a few words ("connection refused") rather than the whole error.
    public static func reason(_ error: any Error) -> String {
        if case WebSocketError.connectFailed(_, let reason)? = error as? WebSocketError { return reason }
        return "\(error)"
    }
}

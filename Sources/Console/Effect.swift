import ArenaProtocol

/// What `reduce` asks the shell to do. Plain values: tests compare them.
public enum Effect: Equatable, Sendable {
    /// Open the WebSocket (a new attempt).
    case connect
    /// Send one JSON message on the WebSocket.
    case send(JSONValue)
    /// Admin over HTTP (the original Arena knows only POST /task).
    case postTask(description: String)
    case postKick(agentId: String, reason: String?)
    case postClearTasks
    /// `GET /agents` (original Arena only).
    case pollRoster
    case quit
}

import ArenaProtocol
import Mob

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
    /// A command for the hosted mobs (`/flow`, `/send`, `/spawn`…); the outcome comes back as a notice.
    case mob(MobRequest)
    case quit
}

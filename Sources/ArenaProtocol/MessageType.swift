/// Every `type` the Arena speaks: the original protocol's ten, then mowai's extension.
public enum MessageType: String, Sendable, CaseIterable {
    // The original Arena protocol (DESIGN §4).
    case agentConnect = "AGENT_CONNECT"
    case agentDisconnect = "AGENT_DISCONNECT"
    case agentThought = "AGENT_THOUGHT"
    case agentResponse = "AGENT_RESPONSE"
    case globalTask = "GLOBAL_TASK"
    case peerThought = "PEER_THOUGHT"
    case arenaAck = "ARENA_ACK"
    case arenaError = "ARENA_ERROR"
    case ping = "PING"
    case pong = "PONG"

    // mowai's extension (docs/PROTOCOL.md): only clients that asked for it ever see these.
    case spectate = "SPECTATE"
    case arenaSnapshot = "ARENA_SNAPSHOT"
    case agentJoin = "AGENT_JOIN"
    case tasksCleared = "TASKS_CLEARED"
    case adminAuth = "ADMIN_AUTH"
    case adminTask = "ADMIN_TASK"
    case adminKick = "ADMIN_KICK"
    case adminClearTasks = "ADMIN_CLEAR_TASKS"
    case adminResult = "ADMIN_RESULT"

    /// The types the original Arena knows; anything else is "Unknown message type" to an agent.
    public static let original: Set<MessageType> = [
        .agentConnect, .agentDisconnect, .agentThought, .agentResponse, .globalTask,
        .peerThought, .arenaAck, .arenaError, .ping, .pong,
    ]

    /// The types a spectator may send once it is watching.
    public static let fromSpectators: Set<MessageType> = [
        .ping, .pong, .adminAuth, .adminTask, .adminKick, .adminClearTasks,
    ]
}

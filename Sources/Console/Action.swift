import ArenaProtocol
import Mob

/// Every input of the console: keys, the terminal, the clock, the arena, HTTP replies.
public enum Action: Equatable, Sendable {
    case key(Key)
    case resize(columns: Int, rows: Int)
    /// A click at a cell (terminals that report mouse events).
    case click(row: Int, column: Int)
    case tick(now: Moment)

    /// The WebSocket opened.
    case connected(at: Moment)
    /// The WebSocket closed or could not open; `jitter` (0..<1) is the shell's random draw for backoff.
    case disconnected(reason: String, at: Moment, jitter: Double)
    /// One message from the arena, decoded (or refused) by `ArenaMessage`.
    case arena(ArenaMessage, at: Moment)

    case taskPosted(HTTPOutcome)
    case kickPosted(HTTPOutcome)
    case clearPosted(HTTPOutcome)
    /// `GET /agents` (original Arena: the roster is only learnable by polling).
    case rosterPolled([RosterEntry])
    /// A local agent hosted by this console: listed (offline, "starting") before it joins the arena.
    case localAgentAdded(RosterEntry)
    /// What a local agent did, for its console and its roster row.
    case localAgent(agentId: String, LocalActivity)
    /// A mob this console hosts started (its members, flows and their steps).
    case mobAttached(MobView)
    /// A member spawned after the start (`/spawn`), with the agentId it joins the arena with.
    case mobMemberAdded(mob: String, MobMemberView)
    /// An event of a hosted mob, pushed by its subscription.
    case mob(MobEvent)
    /// Something the shell wants the user to know (a broken theme file, where the embedded arena listens).
    case notice(Notice.Level, String)
}

public enum Key: Equatable, Sendable {
    case character(Character)
    case enter, backspace, delete, tab, backTab, escape
    case up, down, left, right, pageUp, pageDown, home, end
    case controlC
}

/// The result of an admin HTTP call, as the console words it.
public enum HTTPOutcome: Equatable, Sendable {
    case accepted(detail: String)
    /// 401: the secret was wrong or missing.
    case unauthorized
    /// 4xx with the arena's error message.
    case rejected(status: Int, error: String)
    /// No answer: the arena is down or unreachable.
    case unreachable(String)
}

/// What a local agent did, as its console shows it.
public enum LocalActivity: Equatable, Sendable {
    /// A step of its life: started, task received, thinking, responded in N ms, stopped. `activity` is
    /// what its roster row says now.
    case lifecycle(String, activity: AgentActivity)
    case log(level: ConsoleLogLevel, text: String)
    /// A piece of the model's answer: joined to the line being streamed.
    case modelText(String)
    /// The agent failed: the reason stays in its console and its roster row.
    case failed(String)
}

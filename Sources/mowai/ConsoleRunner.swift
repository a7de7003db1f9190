import ArenaProtocol
import Console
import Foundation
import Terminal
import TUI
#if canImport(Glibc)
import Glibc
#endif

/// `mowai tui`'s event loop, on the main thread, which owns the terminal: keys, resizes, network
/// actions and the clock go through `reduce`; effects go to the `EffectRunner`; the view is drawn at
/// most 60 times a second and only when the state changed. It sleeps in poll(2) when nothing happens.
final class ConsoleRunner {
    private var state: State
    private let inbox: ActionInbox
    /// nil for a replay: it reads a recording, and nothing goes to the network.
    private let effects: EffectRunner?
    private let theme: Theme
    private let startupNotices: [(Notice.Level, String)]
    /// `mowai tui --replay`: the recording played into the reducer as if an arena sent it.
    private var replay: ReplayPlayer?
    private let initialState: State

    init(state: State, inbox: ActionInbox, effects: EffectRunner?, theme: Theme, notices: [(Notice.Level, String)],
         replay: ReplayPlayer? = nil) {
        self.state = state
        initialState = state
        self.inbox = inbox
        self.effects = effects
        self.theme = theme
        startupNotices = notices
        self.replay = replay
    }

    func run() throws {
        let screen = try CursesScreen(environment: ProcessInfo.processInfo.environment)
        defer { screen.restore() }
        let signals = SignalPipe()
        screen.watchSignals(writingTo: signals.writeFD)
        let view = ConsoleView(theme: theme, colorDepth: screen.colorDepth,
                               utcOffsetSeconds: TimeZone.current.secondsFromGMT())

        apply(.resize(columns: screen.size.columns, rows: screen.size.rows))
        apply(.tick(now: .now()))
        var lastDrawnState = state
        for (level, text) in startupNotices { apply(.notice(level, text)) }
        if replay != nil {
            apply(.connected(at: .now()))
            showReplayStatus()
        } else {
            effects?.run([.connect])
        }

        // Frame pacing runs on the monotonic clock: a wall clock stepped back must not freeze the screen.
        var lastRender = Moment.monotonicNowMs() - 1000
        var needsRender = true
        while !state.isQuitting {
            let now = Moment.monotonicNowMs()
            if needsRender && now - lastRender >= 16 {
                screen.draw(view.render(state))
                lastRender = now
                needsRender = false
            }
            let renderWait = needsRender ? max(1, 16 - (now - lastRender)) : Int64.max
            let untilTick = state.nextTickAt - now
            let untilFrame = replay?.untilNext(at: now) ?? Int64.max
            let timeout = Int32(clamping: max(0, min(untilTick, renderWait, untilFrame, 60_000)))

            var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: inbox.wakeReadFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: signals.readFD, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, nfds_t(fds.count), timeout)

            // Every action sees the current time (a notice's lifetime starts now, not at the last tick).
            apply(.tick(now: .now()))
            let (quit, resized) = signals.drain()
            if quit { apply(.key(.controlC)) }
            if resized { needsRender = true }
            for input in screen.readInput() {
                switch input {
                case .resize:
                    screen.invalidate()
                    apply(.resize(columns: screen.size.columns, rows: screen.size.rows))
                case .click(let row, let column):
                    apply(.click(row: row, column: column))
                case .key(let code):
                    guard let key = KeyMapping.key(for: code) else { break }
                    if !replayHandles(key) { apply(.key(key)) }
                }
                needsRender = true
            }
            if playDueFrames() { needsRender = true }
            let queued = inbox.drain()
            for action in queued { apply(action) }
            if !queued.isEmpty { needsRender = true }
            // The tick may have moved a countdown or expired a notice: redraw if the screen would change.
            if state != lastDrawnState { needsRender = true }
            lastDrawnState = state
        }
        effects?.run([.quit])
    }

    private func apply(_ action: Action) {
        let effects = reduce(&state, action)
        self.effects?.run(effects)
    }

    // MARK: Replay

    /// Space pauses, n and p go to the next and previous task, + and - change the speed; while the
    /// command line is open every key is the console's.
    private func replayHandles(_ key: Key) -> Bool {
        guard var player = replay, state.input == nil else { return false }
        let now = Moment.monotonicNowMs()
        switch key {
        case .character(" "): player.togglePause(at: now)
        case .character("+"), .character("="): player.changeSpeed(faster: true, at: now)
        case .character("-"): player.changeSpeed(faster: false, at: now)
        case .character("n"):
            guard let target = player.nextTask else {
                replay = player
                apply(.notice(.info, "no later task in the recording"))
                return true
            }
            for frame in player.recording.frames[player.position..<target] { apply(arenaAction(frame)) }
            player.seek(to: target, at: now)
        case .character("p"):
            // Going back, the console starts over and catches up at once.
            let target = player.previousTask
            let size = state.size
            state = initialState
            apply(.resize(columns: size.columns, rows: size.rows))
            apply(.tick(now: .now()))
            apply(.connected(at: .now()))
            for frame in player.recording.frames[0..<target] { apply(arenaAction(frame)) }
            player.seek(to: target, at: now)
        default:
            return false
        }
        replay = player
        showReplayStatus()
        return true
    }

    /// Feeds the frames whose time has come; true when any did.
    private func playDueFrames() -> Bool {
        guard var player = replay else { return false }
        let due = player.due(at: Moment.monotonicNowMs())
        replay = player
        guard !due.isEmpty else { return false }
        for frame in player.recording.frames[due] { apply(arenaAction(frame)) }
        // The status moves on with each task, and says so at the end.
        if player.isFinished || player.recording.frames[due].contains(where: \.isTask) { showReplayStatus() }
        return true
    }

    private func arenaAction(_ frame: Recording.Frame) -> Action {
        .arena(frame.message, at: Moment(wallMs: frame.ts, monotonicMs: Moment.monotonicNowMs()))
    }

    private func showReplayStatus() {
        guard let replay else { return }
        let level: Notice.Level = replay.isFinished && replay.recording.stop != nil ? .warning : .info
        apply(.notice(level, replay.status + (replay.isFinished ? "" : " — space pause · n/p task · +/- speed")))
    }
}

/// The pipe that signal handlers write to (see `CursesScreen.watchSignals`).
struct SignalPipe {
    private let pipe = NonBlockingPipe()
    var readFD: Int32 { pipe.readFD }
    var writeFD: Int32 { pipe.writeFD }

    /// Whether a quit signal (SIGTERM, SIGHUP, SIGINT, written as "Q") or a resize ("W") arrived since
    /// the last call.
    func drain() -> (quit: Bool, resized: Bool) {
        let bytes = pipe.drain()
        return (bytes.contains { $0 != UInt8(ascii: "W") }, bytes.contains(UInt8(ascii: "W")))
    }
}

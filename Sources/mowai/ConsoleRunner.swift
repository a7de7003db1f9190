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
    private let effects: EffectRunner
    private let theme: Theme
    private let startupNotices: [(Notice.Level, String)]

    init(state: State, inbox: ActionInbox, effects: EffectRunner, theme: Theme, notices: [(Notice.Level, String)]) {
        self.state = state
        self.inbox = inbox
        self.effects = effects
        self.theme = theme
        startupNotices = notices
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
        effects.run([.connect])

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
            let timeout = Int32(clamping: max(0, min(untilTick, renderWait, 60_000)))

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
                    if let key = KeyMapping.key(for: code) { apply(.key(key)) }
                }
                needsRender = true
            }
            let queued = inbox.drain()
            for action in queued { apply(action) }
            if !queued.isEmpty { needsRender = true }
            // The tick may have moved a countdown or expired a notice: redraw if the screen would change.
            if state != lastDrawnState { needsRender = true }
            lastDrawnState = state
        }
        effects.run([.quit])
    }

    private func apply(_ action: Action) {
        effects.run(reduce(&state, action))
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

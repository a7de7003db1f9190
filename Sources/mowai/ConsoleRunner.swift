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
        let signals = SignalPipe.install([SIGTERM, SIGHUP, SIGINT])
        let view = ConsoleView(theme: theme, colorDepth: screen.colorDepth,
                               utcOffsetSeconds: TimeZone.current.secondsFromGMT())

        apply(.resize(columns: screen.size.columns, rows: screen.size.rows))
        apply(.tick(now: EffectRunner.nowMs()))
        for (level, text) in startupNotices { apply(.notice(level, text)) }
        effects.run([.connect])

        var lastRender: Int64 = 0
        var needsRender = true
        var nextTick = state.nextTickAt
        while !state.isQuitting {
            let now = EffectRunner.nowMs()
            if needsRender && now - lastRender >= 16 {
                screen.draw(view.render(state))
                lastRender = now
                needsRender = false
            }
            let renderWait = needsRender ? max(1, 16 - (now - lastRender)) : Int64.max
            let timeout = Int32(clamping: min(max(0, nextTick - now), renderWait))

            var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: inbox.wakeReadFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: signals.readFD, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, nfds_t(fds.count), timeout)  // EINTR (SIGWINCH) just means: look again

            if signals.drain() { apply(.key(.controlC)) }
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
            if EffectRunner.nowMs() >= nextTick {
                apply(.tick(now: EffectRunner.nowMs()))
                needsRender = true
            }
            // Sleep until something is due (no polling loop: an idle console wakes every 5 s to ping).
            nextTick = state.nextTickAt
        }
        effects.run([.quit])
    }

    private func apply(_ action: Action) {
        effects.run(reduce(&state, action))
    }
}

/// Signals become bytes on a pipe the event loop polls: the handler itself does nothing else.
struct SignalPipe {
    let readFD: Int32

    nonisolated(unsafe) private static var writeFD: Int32 = -1

    static func install(_ numbers: [Int32]) -> SignalPipe {
        var fds: [Int32] = [-1, -1]
        pipe(&fds)
        for fd in fds { _ = fcntl(fd, F_SETFL, O_NONBLOCK); _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        writeFD = fds[1]
        for number in numbers {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { _ in
                var byte: UInt8 = 1
                _ = write(SignalPipe.writeFD, &byte, 1)
            }
            sigaction(number, &action, nil)
        }
        return SignalPipe(readFD: fds[0])
    }

    /// True if a signal arrived since the last call.
    func drain() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16)
        var any = false
        while read(readFD, &buffer, buffer.count) > 0 { any = true }
        return any
    }
}

import CNcursesw
import CTerminalSignals
import TUI
#if canImport(Glibc)
import Glibc
#endif

public enum TerminalError: Error, CustomStringConvertible {
    case notATerminal
    case cannotStart(String)

    public var description: String {
        switch self {
        case .notATerminal:
            return "mowai tui needs a terminal: standard input and output are not one (run it directly, not through a pipe)"
        case .cannotStart(let reason):
            return "the terminal could not be set up: \(reason) — check $TERM (try TERM=xterm-256color)"
        }
    }
}

/// The ncurses screen. Every curses call happens through this object, on the thread that created it.
/// It draws frames by diffing them against the last one, and reads input without blocking.
public final class CursesScreen {
    public let colorDepth: ColorDepth
    private var previous: Frame?
    private var pairs: [PairKey: Int32] = [:]
    private var nextPair: Int32 = 1
    private let maxPairs: Int32
    private var isActive = true

    private struct PairKey: Hashable {
        let foreground: Int32
        let background: Int32
    }

    public init(environment: [String: String]) throws {
        guard isatty(0) == 1, isatty(1) == 1 else { throw TerminalError.notATerminal }
        // Wide characters need a UTF-8 locale before initscr; C.UTF-8 is the fallback that always exists.
        if setlocale(LC_ALL, "") == nil || !String(cString: nl_langinfo(nl_item(CODESET))).uppercased().contains("UTF") {
            setlocale(LC_ALL, "C.UTF-8")
        }
        mowai_guard_terminal()
        guard mowai_start_screen() == 0 else {
            throw TerminalError.cannotStart("ncurses does not know the terminal type \(environment["TERM"] ?? "(unset)")")
        }
        // raw: Ctrl-C arrives as a key, so quitting always goes through our cleanup.
        raw()
        noecho()
        nonl()
        keypad(mowai_stdscr(), true)
        nodelay(mowai_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        mousemask(mowai_button1_clicked(), nil)
        mouseinterval(0)

        var depth = ColorDepth.none
        if environment["NO_COLOR"] == nil, has_colors() {
            start_color()
            use_default_colors()
            let colors = mowai_colors()
            depth = colors >= 256 ? .ansi256 : (colors >= 8 ? .eight : .none)
        }
        colorDepth = depth
        maxPairs = min(Int32(mowai_color_pairs()), 32_767)
    }

    deinit { restore() }

    /// Signals arrive as bytes on `fd`: "Q" for SIGTERM, SIGHUP and SIGINT, "W" for a resize.
    public func watchSignals(writingTo fd: Int32) {
        mowai_watch_signals(fd)
    }

    /// Gives the terminal back as it was. Safe to call more than once.
    public func restore() {
        guard isActive else { return }
        isActive = false
        curs_set(1)
        endwin()
    }

    public var size: (columns: Int, rows: Int) {
        var rows: Int32 = 0, columns: Int32 = 0
        mowai_getmaxyx(mowai_stdscr(), &rows, &columns)
        return (Int(columns), Int(rows))
    }

    /// Draws only what changed since the last frame.
    public func draw(_ frame: Frame) {
        let runs = FrameDiff.changes(from: previous, to: frame)
        for run in runs {
            var column = run.column
            for (index, cell) in run.cells.enumerated() {
                defer { column += 1 }
                if cell.isContinuation { continue }
                let frameWidth = index + 1 < run.cells.count && run.cells[index + 1].isContinuation ? 2 : 1
                put(cell, row: run.row, column: column, frameWidth: frameWidth)
            }
        }
        previous = frame
        if !runs.isEmpty { refresh() }
    }

    /// After a resize everything is drawn again.
    public func invalidate() {
        previous = nil
        clear()
    }

    private func put(_ cell: Cell, row: Int, column: Int, frameWidth: Int) {
        var scalars = cell.grapheme.unicodeScalars.prefix(4).map { wchar_t(bitPattern: $0.value) }
        if scalars.isEmpty { scalars = [32] }
        // Where the terminal's width table (glibc's, through ncurses) disagrees with the frame's, the
        // two would drift apart along the row: draw a replacement of the frame's width instead.
        if let first = cell.grapheme.unicodeScalars.first, Int(mowai_wcwidth(first.value)) != frameWidth {
            scalars = frameWidth == 2 ? [0x3000] : [0xFFFD]  // U+3000 is a wide blank
        }
        scalars.append(0)
        let style = cell.style
        var attributes = mowai_a_normal()
        if style.bold { attributes |= mowai_a_bold() }
        if style.dim { attributes |= mowai_a_dim() }
        if style.italic { attributes |= mowai_a_italic() }
        if style.underline { attributes |= mowai_a_underline() }
        if style.reverse { attributes |= mowai_a_reverse() }
        let pair = pairNumber(foreground: style.foreground, background: style.background)
        _ = scalars.withUnsafeBufferPointer { buffer in
            mowai_put_cell(Int32(row), Int32(column), buffer.baseAddress, attributes, pair)
        }
    }

    /// ncurses colours come in numbered pairs; they are made on first use and kept.
    private func pairNumber(foreground: Color, background: Color) -> Int32 {
        guard colorDepth != .none else { return 0 }
        let key = PairKey(foreground: index(of: foreground), background: index(of: background))
        if key.foreground == -1 && key.background == -1 { return 0 }
        if let pair = pairs[key] { return pair }
        guard nextPair < maxPairs else { return 0 }
        init_pair(Int16(nextPair), Int16(key.foreground), Int16(key.background))
        pairs[key] = nextPair
        nextPair += 1
        return nextPair - 1
    }

    private func index(of color: Color) -> Int32 {
        switch color.reduced(to: colorDepth) {
        case .default, .rgb: return -1
        case .palette(let index): return Int32(index)
        }
    }

    // MARK: Input

    public enum Input: Equatable {
        case key(KeyCode)
        case resize
        case click(row: Int, column: Int)
    }

    /// Everything typed since the last call; never blocks.
    public func readInput() -> [Input] {
        var inputs: [Input] = []
        var character: wint_t = 0
        while true {
            let result = wget_wch(mowai_stdscr(), &character)
            if result == ERR { break }
            if result == KEY_CODE_YES {
                let code = Int32(character)
                if code == mowai_key_resize() {
                    inputs.append(.resize)
                } else if code == mowai_key_mouse() {
                    var event = MEVENT()
                    if getmouse(&event) == OK, mowai_button1_any(event.bstate) != 0 {
                        inputs.append(.click(row: Int(event.y), column: Int(event.x)))
                    }
                } else {
                    inputs.append(.key(.function(code)))
                }
            } else if let scalar = Unicode.Scalar(UInt32(character)) {
                inputs.append(.key(.scalar(scalar)))
            }
        }
        return inputs
    }

    public enum KeyCode: Equatable {
        case scalar(Unicode.Scalar)
        case function(Int32)
    }
}

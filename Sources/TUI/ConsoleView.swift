import Console

/// `view(State) -> Frame`: the whole screen, drawn from the state alone. Pure; the ncurses backend and
/// the text backend for tests both draw what it returns.
public struct ConsoleView: Sendable {
    public var theme: Theme
    public var colorDepth: ColorDepth
    /// Local time for the clock column (the shell knows the time zone).
    public var utcOffsetSeconds: Int
    /// Remembers wrapped messages between frames; rendering stays a function of the state.
    let wrapCache = WrapCache()

    public init(theme: Theme, colorDepth: ColorDepth, utcOffsetSeconds: Int = 0) {
        self.theme = theme
        self.colorDepth = colorDepth
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    public func render(_ state: State) -> Frame {
        var frame = Frame(width: state.size.columns, height: state.size.rows, fill: style(.default))
        let layout = Layout(size: state.size, showsConsoleGrid: state.showsConsoleGrid)
        if layout.isTooSmall {
            drawTooSmall(state, into: &frame)
            return frame
        }
        if let rect = layout.banner { drawBanner(state, in: rect, into: &frame) }
        if let rect = layout.roster { drawRoster(state, in: rect, into: &frame) }
        if state.showsConsoleGrid {
            if let rect = layout.console { drawConsoleGrid(state, in: rect, into: &frame) }
        } else {
            if let rect = layout.chat { drawChat(state, in: rect, into: &frame) }
            if let rect = layout.console { drawConsole(state, in: rect, into: &frame) }
        }
        if let rect = layout.status { drawStatus(state, in: rect, into: &frame) }
        if let rect = layout.input { drawInput(state, in: rect, into: &frame) }
        if state.showsHelp { drawHelp(state, into: &frame) }
        return frame
    }

    // MARK: Styles

    func style(_ foreground: Color, background: Color = .default, bold: Bool = false, dim: Bool = false, reverse: Bool = false) -> Style {
        Style(foreground: foreground.reduced(to: colorDepth), background: background.reduced(to: colorDepth),
              bold: bold, dim: dim, reverse: reverse)
    }

    /// An agent's own colour (its `color` field), or the theme's text colour when it has none.
    func agentColor(_ hex: String) -> Color {
        Color(hex: hex) ?? theme.text
    }

    func clock(_ ms: Int64) -> String {
        let seconds = (ms / 1000 + Int64(utcOffsetSeconds)) % 86_400
        let positive = seconds < 0 ? seconds + 86_400 : seconds
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(positive / 3600)):\(two(positive / 60 % 60)):\(two(positive % 60))"
    }

    // MARK: Banner, status, input

    private func drawBanner(_ state: State, in rect: Layout.Rect, into frame: inout Frame) {
        let background = style(theme.banner, background: theme.bannerBackground)
        frame.fill(row: rect.top, column: rect.left, width: rect.width, height: rect.height, style: background)
        let label = style(theme.banner, background: theme.bannerBackground, bold: true)
        if let task = state.task {
            let head = " TASK \(clock(task.issuedAt)) "
            let used = frame.put(head, row: rect.top + 1, column: rect.left + 1, style: label)
            let room = rect.width - used - 3
            frame.put(TextWrap.truncated(task.description, width: room), row: rect.top + 1, column: rect.left + 1 + used + 1,
                      style: background)
        } else {
            let hint = state.options.isAdmin
                ? "No task yet — type /task <description> to broadcast one"
                : "No task yet — waiting for the workshop lead"
            frame.put(" " + hint, row: rect.top + 1, column: rect.left + 1, style: background, maxWidth: rect.width - 2)
        }
    }

    private func drawStatus(_ state: State, in rect: Layout.Rect, into frame: inout Frame) {
        let base = style(theme.status, background: theme.statusBackground)
        frame.fill(row: rect.top, column: rect.left, width: rect.width, height: 1, style: base)
        // The connection summary keeps its room; the newest notice (a command's outcome, a warning) takes
        // what is left, right-aligned, and at least 40 % of the bar, cutting into the summary only then.
        let (stateText, stateColor) = connectionText(state)
        let latency = state.latencyMs.map { " · \($0) ms" } ?? ""
        let summaryWidth = " \(state.options.arenaURL) ● \(stateText) · \(state.roleDescription) · \(state.onlineAgents.count) agents\(latency)".displayWidth
        var noticeText = ""
        var noticeColor = theme.status
        if let notice = state.notices.last {
            noticeText = TextWrap.truncated(notice.text, width: max(rect.width * 2 / 5, rect.width - summaryWidth - 3))
            switch notice.level {
            case .info: noticeColor = theme.status
            case .success: noticeColor = theme.success
            case .warning: noticeColor = theme.warning
            case .error: noticeColor = theme.error
            }
        }
        let summaryEnd = rect.right - (noticeText.isEmpty ? 0 : noticeText.displayWidth + 2)
        var column = rect.left
        func segment(_ text: String, _ segmentStyle: Style) {
            column += frame.put(text, row: rect.top, column: column, style: segmentStyle, maxWidth: max(0, summaryEnd - column))
        }
        segment(" \(state.options.arenaURL) ", base)
        segment("● \(stateText) ", style(stateColor, background: theme.statusBackground, bold: true))
        segment("· \(state.roleDescription) · \(state.onlineAgents.count) agents\(latency)", base)
        if !noticeText.isEmpty {
            frame.put(noticeText, row: rect.top, column: rect.right - noticeText.displayWidth - 1,
                      style: style(noticeColor, background: theme.statusBackground, bold: true))
        }
    }

    func connectionText(_ state: State) -> (String, Color) {
        switch state.connection {
        case .connected: return ("connected", theme.success)
        case .connecting(let attempt): return (attempt > 1 ? "connecting (attempt \(attempt))" : "connecting", theme.warning)
        case .waiting(let until, let attempt, let reason):
            let seconds = max(0, (until - state.now.monotonicMs + 999) / 1000)
            return ("retry in \(seconds) s (attempt \(attempt)): \(reason)", theme.error)
        }
    }

    private func drawInput(_ state: State, in rect: Layout.Rect, into frame: inout Frame) {
        if let input = state.input {
            let prompt = style(theme.input, bold: true)
            let used = frame.put("› ", row: rect.top, column: rect.left, style: prompt)
            // Long lines show their end (where the cursor is): drop characters from the front until it fits.
            let room = rect.width - used - 1
            var shown = Substring(input)
            while shown.displayWidth > room, !shown.isEmpty { shown = shown.dropFirst() }
            let drawn = frame.put(String(shown), row: rect.top, column: rect.left + used, style: style(theme.input), maxWidth: room)
            let cursorColumn = rect.left + used + drawn
            frame.put(" ", row: rect.top, column: cursorColumn, style: style(theme.input, reverse: true))
        } else {
            let hint = "Tab pane · ↑↓ move/scroll · Enter open console · g grid · / command · ? help · q quit"
            frame.put(" " + hint, row: rect.top, column: rect.left, style: style(theme.muted, dim: true), maxWidth: rect.width)
        }
    }
}

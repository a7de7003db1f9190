import Console

/// The help overlay and the too-small screen.
extension ConsoleView {
    static let keyHelp: [(String, String)] = [
        ("Tab / Shift-Tab", "move between roster, chat and console"),
        ("↑ ↓  PgUp PgDn  Home End", "move in the roster, scroll the chat or console"),
        ("Enter", "open the selected agent's console"),
        ("g", "all consoles at once (grid), or one"),
        ("/", "type a command"),
        ("?", "this help (any key closes it)"),
        ("q  Ctrl-C", "quit"),
    ]

    func drawHelp(_ state: State, into frame: inout Frame) {
        let commands = (State.commandHelp + (state.mobs.isEmpty ? [] : State.mobCommandHelp)).map { ($0.command, $0.meaning) }
        let rows = Self.keyHelp.count + commands.count + 5
        let width = min(frame.width - 4, 76)
        let height = min(frame.height - 2, rows)
        let top = max(0, (frame.height - height) / 2)
        let left = max(0, (frame.width - width) / 2)
        frame.fill(row: top, column: left, width: width, height: height, style: style(theme.text))
        frame.box(row: top, column: left, width: width, height: height, style: style(theme.focus, bold: true),
                  title: "Help", titleStyle: style(theme.focus, bold: true))
        var row = top + 1
        func line(_ key: String, _ meaning: String) {
            guard row < top + height - 1 else { return }
            let keyWidth = min(26, width / 2)
            frame.put(key, row: row, column: left + 2, style: style(theme.title, bold: true), maxWidth: keyWidth)
            frame.put(meaning, row: row, column: left + 2 + keyWidth, style: style(theme.text), maxWidth: width - keyWidth - 3)
            row += 1
        }
        for (key, meaning) in Self.keyHelp { line(key, meaning) }
        row += 1
        frame.put("Commands", row: row, column: left + 2, style: style(theme.title, bold: true), maxWidth: width - 3)
        row += 1
        for (command, meaning) in commands { line(command, meaning) }
    }

    func drawTooSmall(_ state: State, into frame: inout Frame) {
        let lines = [
            "Enlarge the terminal",
            "to at least \(Layout.minimumColumns)×\(Layout.minimumRows)",
            "(now \(state.size.columns)×\(state.size.rows))",
        ]
        let top = max(0, (frame.height - lines.count) / 2)
        for (offset, text) in lines.enumerated() {
            let left = max(0, (frame.width - text.displayWidth) / 2)
            frame.put(text, row: top + offset, column: left, style: style(theme.warning, bold: offset == 0), maxWidth: frame.width - left)
        }
    }
}

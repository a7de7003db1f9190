/// Keys and clicks.
extension State {
    mutating func press(_ key: Key) -> [Effect] {
        if key == .controlC { return quit() }
        if showsHelp {
            showsHelp = false
            return []
        }
        if input != nil { return edit(key) }
        switch key {
        case .character("q"): return quit()
        case .character("?"): showsHelp = true
        case .character("/"): input = "/"
        case .character("g"): showsConsoleGrid.toggle()
        case .tab: focus = Pane(rawValue: (focus.rawValue + 1) % Pane.allCases.count) ?? .roster
        case .backTab: focus = Pane(rawValue: (focus.rawValue + Pane.allCases.count - 1) % Pane.allCases.count) ?? .roster
        case .enter where focus == .roster: if let index = rosterCursorIndex { openConsole(ofRosterIndex: index) }
        case .up: move(by: -1)
        case .down: move(by: 1)
        case .pageUp: move(by: -pageSize)
        case .pageDown: move(by: pageSize)
        case .home: move(by: Int.min / 2)
        case .end: move(by: Int.max / 2)
        default: break
        }
        return []
    }

    var pageSize: Int { max(1, size.rows / 2) }

    /// The first roster line shown when `rows` lines are available: the list scrolls to keep the cursor's
    /// line in view. The view draws from it and clicks are mapped through it.
    public func firstVisibleRosterLine(rows: Int) -> Int {
        let lines = rosterLines
        let cursorLine = rosterCursorIndex.flatMap { lines.firstIndex(of: .agent($0)) } ?? 0
        return max(0, min(cursorLine - rows + 1, lines.count - rows))
    }

    private mutating func quit() -> [Effect] {
        isQuitting = true
        return [.quit]
    }

    /// Up/down move the roster cursor, or scroll the chat and console (up = back in time).
    private mutating func move(by delta: Int) {
        switch focus {
        case .roster:
            guard !roster.isEmpty else { return }
            rosterCursor = min(max(0, rosterCursor + delta), rosterOrder.count - 1)
        case .chat, .console:
            let lines = focus == .chat ? chat.visible.count : selectedConsole.visible.count
            let current = scrollback[focus] ?? 0
            let next = Int(min(max(0, Int64(current) - Int64(delta)), Int64(max(0, lines - 1))))
            scrollback[focus] = next
        }
    }

    mutating func openConsole(ofRosterIndex index: Int) {
        guard roster.indices.contains(index) else { return }
        rosterCursor = rosterOrder.firstIndex(of: index) ?? index
        selectedAgentId = roster[index].agentId
        scrollback[.console] = 0
        focus = .console
    }

    /// The console of the selected agent (empty when none is selected).
    public var selectedConsole: BoundedLog<ChatLine> {
        selectedAgentId.flatMap { consoles[$0] } ?? BoundedLog(capacity: 1)
    }

    mutating func click(row: Int, column: Int) -> [Effect] {
        let layout = Layout(size: size, showsConsoleGrid: showsConsoleGrid)
        guard let rect = layout.roster, rect.contains(row: row, column: column) else { return [] }
        // The roster's lines between its borders, scrolled to keep the cursor in view; only agents open.
        let line = row - rect.top - 1
        let lines = rosterLines
        let position = firstVisibleRosterLine(rows: rect.height - 2) + line
        guard line >= 0, line < rect.height - 2, lines.indices.contains(position), case .agent(let index) = lines[position] else { return [] }
        focus = .roster
        openConsole(ofRosterIndex: index)
        return []
    }

    // MARK: The command line

    private mutating func edit(_ key: Key) -> [Effect] {
        guard var line = input else { return [] }
        switch key {
        case .escape:
            input = nil
        case .backspace, .delete:
            line.removeLast()
            input = line.isEmpty ? nil : line
        case .enter:
            input = nil
            return run(command: line)
        case .character(let character) where !character.isNewline:
            if line.count < 600 { input = line + String(character) }
        default:
            break
        }
        return []
    }
}

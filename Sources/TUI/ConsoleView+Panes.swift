import Console

/// The roster, the chat, the consoles.
extension ConsoleView {
    /// A bordered pane. Its inside is left as the frame was made (blank): panes never overlap.
    func pane(_ title: String, in rect: Layout.Rect, focused: Bool, into frame: inout Frame) {
        frame.box(row: rect.top, column: rect.left, width: rect.width, height: rect.height,
                  style: style(focused ? theme.focus : theme.border, bold: focused), title: title,
                  titleStyle: style(focused ? theme.focus : theme.title, bold: true))
    }

    func drawRoster(_ state: State, in rect: Layout.Rect, into frame: inout Frame) {
        pane("Agents \(state.onlineAgents.count)", in: rect, focused: state.focus == .roster, into: &frame)
        let rows = rect.height - 2
        guard rows > 0 else { return }
        if state.roster.isEmpty {
            frame.put("no agents yet", row: rect.top + 1, column: rect.left + 2, style: style(theme.muted, dim: true), maxWidth: rect.width - 3)
            return
        }
        let lines = state.rosterLines
        let first = state.firstVisibleRosterLine(rows: rows)
        let cursorIndex = state.focus == .roster ? state.rosterCursorIndex : nil
        for (offset, line) in lines.dropFirst(first).prefix(rows).enumerated() {
            let row = rect.top + 1 + offset
            switch line {
            case .agent(let index):
                drawRosterRow(state, index: index, isCursor: index == cursorIndex, row: row, in: rect, into: &frame)
            case .mob(let mobIndex):
                let mob = state.mobs[mobIndex]
                let active = mob.members.filter { $0.status == .active }.count
                frame.put(TextWrap.truncated("▾ \(mob.id) (\(active)/\(mob.members.count) active)", width: rect.width - 2), row: row,
                          column: rect.left + 1, style: style(theme.title, bold: true), maxWidth: rect.width - 2)
            case .blank:
                break
            case .flow(let mobIndex):
                guard let run = state.mobs[mobIndex].flowRun else { continue }
                frame.put("Flow \(run.flowId) · \(run.status.rawValue)", row: row, column: rect.left + 1,
                          style: style(run.status == .failed ? theme.error : theme.title, bold: true), maxWidth: rect.width - 2)
            case .flowStep(let mobIndex, let stepIndex):
                guard let step = state.mobs[mobIndex].flowRun?.steps[stepIndex] else { continue }
                drawFlowStep(step, row: row, in: rect, into: &frame)
            }
        }
    }

    /// One agent: presence, slot, name, and what it does (a mob member: its role when its name differs,
    /// its status when it is not active, the tokens it used).
    private func drawRosterRow(_ state: State, index: Int, isCursor: Bool, row: Int, in rect: Layout.Rect, into frame: inout Frame) {
        let agent = state.roster[index]
        let isSelected = agent.agentId == state.selectedAgentId
        var column = rect.left + 1
        let line = style(agent.isOnline ? theme.text : theme.muted, dim: !agent.isOnline, reverse: isCursor)
        if isCursor { frame.fill(row: row, column: column, width: rect.width - 2, height: 1, style: line) }
        column += frame.put(agent.isOnline ? "●" : "○", row: row, column: column,
                            style: style(agentColor(agent.color), reverse: isCursor), maxWidth: 1)
        column += frame.put(" \(agent.slot) ", row: row, column: column, style: style(theme.muted, reverse: isCursor))
        column += frame.put(agent.name.isEmpty ? "(unnamed)" : agent.name, row: row, column: column,
                            style: style(agentColor(agent.color), bold: isSelected, reverse: isCursor),
                            maxWidth: rect.right - 1 - column)
        // What follows the name, most telling first; each part shows only when it fits whole.
        var parts = ["\(agent.activity)"]
        if let (_, member) = state.mobMember(atRosterIndex: index) {
            parts = member.status == .active ? [] : [member.status.rawValue]
            if member.profile != member.id { parts.append(member.profile) }
            if member.status == .active { parts.append("\(agent.activity)") }
            if member.tokens > 0 { parts.append("\(member.tokens) tok") }
        }
        for part in parts {
            let text = " \(part)"
            guard text.displayWidth <= rect.right - 1 - column else { break }
            column += frame.put(text, row: row, column: column, style: style(theme.muted, dim: true, reverse: isCursor))
        }
    }

    /// A step of the flow pane: its state, its id, and who answered (✓) or failed (✗).
    private func drawFlowStep(_ step: FlowRunView.FlowStepView, row: Int, in rect: Layout.Rect, into frame: inout Frame) {
        let (mark, color): (String, Color) = switch step.state {
        case .completed: ("✓", theme.response)
        case .failed: ("✗", theme.error)
        case .running: ("…", theme.warning)
        case .skipped, .canceled: ("–", theme.muted)
        case .pending: ("·", theme.muted)
        }
        var column = rect.left + 1
        column += frame.put("\(mark) ", row: row, column: column, style: style(color, bold: true))
        column += frame.put(step.id, row: row, column: column, style: style(theme.text), maxWidth: rect.right - 1 - column)
        let who = step.targets.map { target -> String in
            switch target.state {
            case .completed: "\(target.member) ✓"
            case .failed: "\(target.member) ✗"
            case .dispatched: "\(target.member) …"
            case .skipped, .canceled: "\(target.member) –"
            }
        }.joined(separator: ", ")
        // A step done by the member of the same name needs no "who".
        let isObvious = step.targets.count == 1 && step.targets[0].member == step.id
        if !who.isEmpty && !isObvious && rect.right - 1 - column > 2 {
            frame.put(TextWrap.truncated(" \(who)", width: rect.right - 1 - column), row: row, column: column, style: style(theme.muted, dim: true))
        }
    }

    func drawChat(_ state: State, in rect: Layout.Rect, into frame: inout Frame) {
        let scrolled = state.scrollback[.chat] ?? 0
        let title = scrolled > 0 ? "Chat ↑\(scrolled)" : "Chat"
        pane(title, in: rect, focused: state.focus == .chat, into: &frame)
        draw(lines: Array(state.chat.visible), scrolledBack: scrolled, showsAuthor: true, state: state, in: rect, into: &frame)
    }

    func drawConsole(_ state: State, in rect: Layout.Rect, into frame: inout Frame) {
        guard let agent = state.selectedAgent else {
            pane("Console", in: rect, focused: state.focus == .console, into: &frame)
            frame.put("Select an agent in the roster (↑↓, Enter) to follow its thoughts", row: rect.top + 1,
                      column: rect.left + 2, style: style(theme.muted, dim: true), maxWidth: rect.width - 3)
            return
        }
        let scrolled = state.scrollback[.console] ?? 0
        let persona = agent.persona.isEmpty ? "" : " · \(agent.persona)"
        let local = state.localAgentIds.contains(agent.agentId) ? " · local" : ""
        let presence = agent.isOnline ? "" : state.localAgentIds.contains(agent.agentId) ? " · \(agent.activity)" : " · left"
        // A local mob member's model: which one thinks for it (a file here, or a hosted provider).
        let model = state.mobs.lazy.flatMap(\.members).first { $0.agentId == agent.agentId }?.model ?? ""
        let modelLabel = model.isEmpty ? "" : " · \(model)"
        pane("\(agent.name)\(persona)\(local)\(modelLabel)\(presence)\(scrolled > 0 ? " ↑\(scrolled)" : "")", in: rect,
             focused: state.focus == .console, into: &frame)
        draw(lines: Array(state.selectedConsole.visible), scrolledBack: scrolled, showsAuthor: false, state: state, in: rect, into: &frame)
    }

    /// A tile per online agent, as many as fit (at least 30×5 each).
    func drawConsoleGrid(_ state: State, in rect: Layout.Rect, into frame: inout Frame) {
        let agents = state.onlineAgents
        guard !agents.isEmpty else {
            pane("Consoles", in: rect, focused: state.focus == .console, into: &frame)
            frame.put("No agents online", row: rect.top + 1, column: rect.left + 2, style: style(theme.muted, dim: true))
            return
        }
        let columns = max(1, min(agents.count, rect.width / 30))
        let rowsAvailable = max(1, rect.height / 5)
        let rows = max(1, min(rowsAvailable, (agents.count + columns - 1) / columns))
        let tileWidth = rect.width / columns
        let tileHeight = rect.height / rows
        for (index, agent) in agents.prefix(columns * rows).enumerated() {
            let tile = Layout.Rect(top: rect.top + index / columns * tileHeight, left: rect.left + index % columns * tileWidth,
                                   width: index % columns == columns - 1 ? rect.width - (columns - 1) * tileWidth : tileWidth,
                                   height: index / columns == rows - 1 ? rect.height - (rows - 1) * tileHeight : tileHeight)
            pane(agent.name, in: tile, focused: agent.agentId == state.selectedAgentId, into: &frame)
            let lines = Array(state.consoles[agent.agentId]?.visible ?? [])
            draw(lines: lines, scrolledBack: 0, showsAuthor: false, state: state, in: tile, into: &frame)
        }
        if agents.count > columns * rows {
            frame.put(" +\(agents.count - columns * rows) more ", row: rect.bottom - 1, column: rect.right - 12, style: style(theme.muted))
        }
    }

    /// Wraps the newest lines that fit into the pane's inside, bottom-aligned, `scrolledBack` lines up.
    func draw(lines: [ChatLine], scrolledBack: Int, showsAuthor: Bool, state: State, in rect: Layout.Rect, into frame: inout Frame) {
        let inner = Layout.Rect(top: rect.top + 1, left: rect.left + 1, width: rect.width - 2, height: rect.height - 2)
        guard inner.width > 4, inner.height > 0 else { return }
        // Only as many messages as could possibly fill the pane are wrapped.
        let end = max(0, lines.count - scrolledBack)
        var rendered: [[(String, Style)]] = []
        var index = end - 1
        while index >= 0 && rendered.count < inner.height {
            rendered.insert(contentsOf: wrap(lines[index], showsAuthor: showsAuthor, state: state, width: inner.width), at: 0)
            index -= 1
        }
        for (offset, segments) in rendered.suffix(inner.height).enumerated() {
            var column = inner.left
            for (text, segmentStyle) in segments {
                column += frame.put(text, row: inner.top + offset, column: column, style: segmentStyle, maxWidth: inner.right - column)
            }
        }
    }

    /// An author's name, cut so that a 200-character name still leaves room for what it said.
    func author(_ line: ChatLine, width: Int) -> String {
        TextWrap.truncated(line.author, width: max(4, min(24, width / 3)))
    }

    /// One chat line as screen rows of styled segments: "12:03:04 ada ▸ text…", continuation rows indented.
    func wrap(_ line: ChatLine, showsAuthor: Bool, state: State, width: Int) -> [[(String, Style)]] {
        let time = clock(line.at)
        let authorColor = line.agentId.flatMap { state.agent($0) }.map { agentColor($0.color) } ?? theme.text
        var head: [(String, Style)] = [(time + " ", style(theme.muted, dim: true))]
        let body: String
        let bodyStyle: Style
        switch line.kind {
        case .task:
            head.append(("TASK ", style(theme.task, bold: true)))
            body = line.text
            bodyStyle = style(theme.task)
        case .thought(let step):
            if showsAuthor { head.append((author(line, width: width) + " ", style(authorColor, bold: true))) }
            // In an agent's console, which task a line belongs to (T1, T2… in the order tasks came).
            if !showsAuthor, let taskId = line.taskId, let index = state.taskHistory.firstIndex(where: { $0.taskId == taskId }) {
                head.append(("T\(index + 1) ", style(theme.task, dim: true)))
            }
            head.append(("·\(step) ", style(theme.muted, dim: true)))
            body = line.text
            bodyStyle = style(theme.text)
        case .response(let duration):
            if showsAuthor { head.append((author(line, width: width) + " ", style(authorColor, bold: true))) }
            head.append(("✔ ", style(theme.response, bold: true)))
            body = line.text + (duration >= 1000 && duration < 1e15 ? "  (\(Int(duration / 1000)) s)" : "")
            bodyStyle = style(theme.response)
        case .joined, .left:
            body = "\(line.author) \(line.text)"
            bodyStyle = style(theme.system, dim: true)
        case .system:
            body = line.text
            bodyStyle = style(theme.system, dim: true)
        case .log(let level):
            // Local agents: "agent" is their lifecycle, "model" the text the model streams to them.
            switch level {
            case .agent:
                head.append(("◆ ", style(theme.system)))
                bodyStyle = style(theme.system)
            case .model:
                head.append(("» ", style(theme.muted, dim: true)))
                bodyStyle = style(theme.text, dim: true)
            default:
                head.append(("[\(level.rawValue)] ", style(level == .error ? theme.error : theme.muted)))
                bodyStyle = style(level == .error ? theme.error : theme.muted)
            }
            body = line.text
        }
        // The first row holds what fits after the head; the rest wraps under the time column.
        let headWidth = head.reduce(0) { $0 + $1.0.displayWidth }
        let indent = min(headWidth, 9)
        let lines = wrapCache.lines(body, firstWidth: max(1, width - headWidth), restWidth: max(1, width - indent))
        var rows: [[(String, Style)]] = [head + [(lines.first ?? "", bodyStyle)]]
        for piece in lines.dropFirst() {
            rows.append([(String(repeating: " ", count: indent), bodyStyle), (piece, bodyStyle)])
        }
        return rows
    }
}

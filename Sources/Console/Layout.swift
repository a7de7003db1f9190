/// Where each pane goes on a terminal of a given size. Pure geometry, shared by the view (to draw) and
/// the reducer (to map mouse clicks).
public struct Layout: Equatable, Sendable {
    public struct Rect: Equatable, Sendable {
        public var top: Int, left: Int, width: Int, height: Int
        public init(top: Int, left: Int, width: Int, height: Int) {
            self.top = top
            self.left = left
            self.width = width
            self.height = height
        }
        public var bottom: Int { top + height }
        public var right: Int { left + width }
        public func contains(row: Int, column: Int) -> Bool {
            row >= top && row < bottom && column >= left && column < right
        }
    }

    /// Below this the console shows "enlarge the terminal" instead of a broken layout.
    public static let minimumColumns = 60
    public static let minimumRows = 16

    public let size: TerminalSize
    public let banner: Rect?
    public let roster: Rect?
    public let chat: Rect?
    public let console: Rect?
    public let status: Rect?
    public let input: Rect?

    public var isTooSmall: Bool { banner == nil }

    public init(size: TerminalSize, showsConsoleGrid: Bool) {
        self.size = size
        guard size.columns >= Self.minimumColumns, size.rows >= Self.minimumRows else {
            banner = nil; roster = nil; chat = nil; console = nil; status = nil; input = nil
            return
        }
        let width = size.columns
        banner = Rect(top: 0, left: 0, width: width, height: 3)
        status = Rect(top: size.rows - 2, left: 0, width: width, height: 1)
        input = Rect(top: size.rows - 1, left: 0, width: width, height: 1)
        let middleTop = 3
        let middleHeight = size.rows - 5
        let rosterWidth = min(32, max(20, width / 4))
        roster = Rect(top: middleTop, left: 0, width: rosterWidth, height: middleHeight)
        let rest = width - rosterWidth
        if showsConsoleGrid {
            // The grid takes the whole right side; the chat stays one keystroke away.
            chat = nil
            console = Rect(top: middleTop, left: rosterWidth, width: rest, height: middleHeight)
        } else if width >= 140 {
            let chatWidth = rest * 3 / 5
            chat = Rect(top: middleTop, left: rosterWidth, width: chatWidth, height: middleHeight)
            console = Rect(top: middleTop, left: rosterWidth + chatWidth, width: rest - chatWidth, height: middleHeight)
        } else {
            let chatHeight = middleHeight * 3 / 5
            chat = Rect(top: middleTop, left: rosterWidth, width: rest, height: chatHeight)
            console = Rect(top: middleTop + chatHeight, left: rosterWidth, width: rest, height: middleHeight - chatHeight)
        }
    }
}

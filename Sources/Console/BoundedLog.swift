/// The newest `capacity` entries, oldest first. Scrollback and consoles never grow without bound: a
/// chat flooded at 1 000 messages a second keeps its memory flat.
public struct BoundedLog<Element: Equatable & Sendable>: Equatable, Sendable {
    public private(set) var entries: [Element] = []
    public let capacity: Int
    /// How many entries were dropped from the front so far (to keep scroll positions stable).
    public private(set) var dropped = 0

    public init(capacity: Int) { self.capacity = max(1, capacity) }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public var last: Element? { entries.last }

    public mutating func append(_ element: Element) {
        entries.append(element)
        // Trim in chunks, so a full log does not shift its array on every append.
        if entries.count > capacity + capacity / 8 {
            let excess = entries.count - capacity
            entries.removeFirst(excess)
            dropped += excess
        }
    }

    /// Changes the newest entry in place (a line still being streamed).
    public mutating func updateLast(_ change: (inout Element) -> Void) {
        guard !entries.isEmpty else { return }
        change(&entries[entries.count - 1])
    }

    /// The newest `capacity` entries (the log may briefly hold a few more, see `append`).
    public var visible: ArraySlice<Element> { entries.suffix(capacity) }
}

/// A set that remembers only its newest `capacity` members: enough to recognise a replay, bounded
/// whatever an arena sends.
public struct RecentlySeen<Element: Hashable & Sendable>: Equatable, Sendable {
    private var members: Set<Element> = []
    private var order: [Element] = []
    private var oldest = 0
    public let capacity: Int

    public init(capacity: Int) { self.capacity = max(1, capacity) }

    public var count: Int { members.count }

    public func contains(_ element: Element) -> Bool { members.contains(element) }

    /// Adds `element`; false when it was already there. The oldest member is forgotten past capacity.
    public mutating func insert(_ element: Element) -> Bool {
        guard members.insert(element).inserted else { return false }
        order.append(element)
        if members.count > capacity {
            members.remove(order[oldest])
            oldest += 1
            // Compact now and then rather than shifting the array on every insert.
            if oldest >= capacity {
                order.removeFirst(oldest)
                oldest = 0
            }
        }
        return true
    }
}

/// The last `capacity` elements appended, oldest first; appending never grows it past capacity.
struct RingBuffer<Element: Sendable>: Sendable {
    private var storage: [Element] = []
    private var start = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = max(0, capacity) }

    var count: Int { storage.count }

    mutating func append(_ element: Element) {
        guard capacity > 0 else { return }
        if storage.count < capacity {
            storage.append(element)
        } else {
            storage[start] = element
            start = (start + 1) % capacity
        }
    }

    /// The newest `count` elements, oldest first.
    func suffix(_ count: Int) -> [Element] {
        let ordered = Array(storage[start...] + storage[..<start])
        return Array(ordered.suffix(max(0, count)))
    }
}

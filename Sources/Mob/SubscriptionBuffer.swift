/// What a subscriber has not read yet, bounded: past `capacity` new events are dropped and counted, and
/// the reader's next read is a `stream_truncated` saying how many it missed. A subscriber that stops
/// reading costs at most `capacity` events and never slows the mob.
public struct SubscriptionBuffer: Sendable {
    public let capacity: Int
    private var events: [MobEvent] = []
    private var head = 0
    private var dropped = 0
    private var truncations = 0
    /// The mob the stream_truncated events name.
    private let mobId: String
    private let subscriberId: String

    public init(capacity: Int, mobId: String, subscriberId: String) {
        self.capacity = max(1, capacity)
        self.mobId = mobId
        self.subscriberId = subscriberId
    }

    public var count: Int { events.count - head + (dropped > 0 ? 1 : 0) }
    public var isEmpty: Bool { count == 0 }

    public mutating func push(_ event: MobEvent) {
        // Once behind, everything is dropped until the reader has been told: the notice then sits exactly
        // where the gap is.
        if dropped > 0 || events.count - head >= capacity {
            dropped += 1
            return
        }
        events.append(event)
    }

    /// The next event to deliver: first a truncation notice if events were dropped since the last read.
    public mutating func pop() -> MobEvent? {
        if dropped > 0 && head == events.count {
            defer { dropped = 0 }
            truncations += 1
            return MobEvent(eventId: "\(subscriberId)-truncated-\(truncations)", source: subscriberId, seq: truncations, mobId: mobId,
                            timestampMs: events.last?.timestampMs ?? 0,
                            payload: .streamTruncated(reason: "the subscriber fell behind by more than \(capacity) events", dropped: dropped))
        }
        guard head < events.count else { return nil }
        defer {
            head += 1
            // Compact now and then rather than shifting the array on every read.
            if head > 1024 && head * 2 > events.count {
                events.removeFirst(head)
                head = 0
            }
        }
        return events[head]
    }
}

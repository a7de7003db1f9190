import Mob
import Synchronization

/// A push subscription to a mob's events (all of them, or one member's): an `AsyncSequence` of
/// envelopes. Events wait in a bounded buffer; a reader that falls behind gets `stream_truncated` and
/// the mob never waits for it. `close()` ends the sequence and is idempotent.
public final class MobSubscription: AsyncSequence, Sendable {
    public typealias Element = MobEvent

    public let mobId: String
    /// Only this member's events (nil: the whole mob's).
    public let member: String?
    let id: Int

    private struct Shared {
        var buffer: SubscriptionBuffer
        var waiter: CheckedContinuation<MobEvent?, Never>?
        var isClosed = false
    }
    private let shared: Mutex<Shared>
    private let onClose: @Sendable (Int) -> Void

    init(id: Int, mobId: String, member: String?, capacity: Int, onClose: @escaping @Sendable (Int) -> Void) {
        self.id = id
        self.mobId = mobId
        self.member = member
        self.onClose = onClose
        // '#' is in no member id: the source of a stream_truncated names this subscription, not a member.
        shared = Mutex(Shared(buffer: SubscriptionBuffer(capacity: capacity, mobId: mobId, subscriberId: "#subscription-\(id)")))
    }

    func wants(_ event: MobEvent) -> Bool {
        guard event.mobId == mobId else { return false }
        guard let member else { return true }
        return event.source == member
    }

    /// Called by the runtime for each event; never blocks.
    func deliver(_ event: MobEvent) {
        let waiter = shared.withLock { state -> (CheckedContinuation<MobEvent?, Never>, MobEvent)? in
            guard !state.isClosed else { return nil }
            state.buffer.push(event)
            guard let waiter = state.waiter, let next = state.buffer.pop() else { return nil }
            state.waiter = nil
            return (waiter, next)
        }
        waiter?.0.resume(returning: waiter?.1)
    }

    /// Ends the sequence: a reader waiting gets nil, later events are not kept.
    public func close() {
        let waiter = shared.withLock { state -> CheckedContinuation<MobEvent?, Never>?? in
            guard !state.isClosed else { return nil }
            state.isClosed = true
            defer { state.waiter = nil }
            return .some(state.waiter)
        }
        guard let waiter else { return }
        waiter?.resume(returning: nil)
        onClose(id)
    }

    public var isClosed: Bool { shared.withLock { $0.isClosed } }

    /// The next event, waiting for one; nil once closed.
    public func next() async -> MobEvent? {
        await withCheckedContinuation { (continuation: CheckedContinuation<MobEvent?, Never>) in
            let ready = shared.withLock { state -> MobEvent?? in
                if let event = state.buffer.pop() { return .some(event) }
                if state.isClosed { return .some(nil) }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let subscription: MobSubscription
        public mutating func next() async -> MobEvent? { await subscription.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(subscription: self) }
}

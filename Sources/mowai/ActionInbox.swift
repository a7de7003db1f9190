import Console
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Where other threads (network, HTTP, mob subscriptions) hand actions to the console's thread: a locked
/// queue plus a pipe whose read end the console's poll(2) watches, so it sleeps until there is something
/// to do.
final class ActionInbox: Sendable {
    private struct Shared {
        var actions: [Action] = []
        /// Producers waiting for room (`post(_:waitingBelow:)`), resumed by the next drain.
        var waiting: [CheckedContinuation<Void, Never>] = []
    }
    private let shared = Mutex(Shared())
    private let wake = NonBlockingPipe()
    var wakeReadFD: Int32 { wake.readFD }

    func post(_ action: Action) {
        shared.withLock { $0.actions.append(action) }
        var byte: UInt8 = 1
        _ = write(wake.writeFD, &byte, 1)  // a full pipe already means "wake up"
    }

    /// Posts once fewer than `limit` actions wait: a producer that can buffer (a mob subscription, which
    /// drops and counts when full) waits here rather than growing the console's queue without bound.
    func post(_ action: Action, waitingBelow limit: Int) async {
        while shared.withLock({ $0.actions.count >= limit }) {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Checked again under the lock the drain takes: no wake-up can be missed in between.
                let registered = shared.withLock { state -> Bool in
                    guard state.actions.count >= limit else { return false }
                    state.waiting.append(continuation)
                    return true
                }
                if !registered { continuation.resume() }
            }
        }
        post(action)
    }

    func drain() -> [Action] {
        _ = wake.drain()
        let (actions, waiting) = shared.withLock { state -> ([Action], [CheckedContinuation<Void, Never>]) in
            defer {
                state.actions.removeAll()
                state.waiting.removeAll()
            }
            return (state.actions, state.waiting)
        }
        for producer in waiting { producer.resume() }
        return actions
    }
}

import Console
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Where other threads (network, HTTP) hand actions to the console's thread: a locked queue plus a pipe
/// whose read end the console's poll(2) watches, so it sleeps until there is something to do.
final class ActionInbox: Sendable {
    private let queue = Mutex<[Action]>([])
    private let wake = NonBlockingPipe()
    var wakeReadFD: Int32 { wake.readFD }

    func post(_ action: Action) {
        queue.withLock { $0.append(action) }
        var byte: UInt8 = 1
        _ = write(wake.writeFD, &byte, 1)  // a full pipe already means "wake up"
    }

    func drain() -> [Action] {
        _ = wake.drain()
        return queue.withLock { queued in
            defer { queued.removeAll() }
            return queued
        }
    }
}

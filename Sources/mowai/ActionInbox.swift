import Console
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Where other threads (network, HTTP) hand actions to the console's thread: a locked queue plus a pipe
/// whose read end the console's poll(2) watches, so it sleeps until there is something to do.
final class ActionInbox: Sendable {
    private let queue = Mutex<[Action]>([])
    let wakeReadFD: Int32
    private let wakeWriteFD: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        pipe(&fds)
        for fd in fds { _ = fcntl(fd, F_SETFL, O_NONBLOCK); _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        wakeReadFD = fds[0]
        wakeWriteFD = fds[1]
    }

    func post(_ action: Action) {
        queue.withLock { $0.append(action) }
        var byte: UInt8 = 1
        _ = write(wakeWriteFD, &byte, 1)  // a full pipe already means "wake up"
    }

    func drain() -> [Action] {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(wakeReadFD, &buffer, buffer.count) > 0 {}
        return queue.withLock { queued in
            defer { queued.removeAll() }
            return queued
        }
    }
}

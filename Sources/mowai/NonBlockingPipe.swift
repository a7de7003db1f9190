#if canImport(Glibc)
import Glibc
#endif

/// A pipe whose ends never block and are not inherited by child processes: the console's event loop
/// polls the read end, and other threads or signal handlers write a byte to wake it.
struct NonBlockingPipe {
    let readFD: Int32
    let writeFD: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        pipe(&fds)
        for fd in fds {
            _ = fcntl(fd, F_SETFL, O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readFD = fds[0]
        writeFD = fds[1]
    }

    /// Reads everything waiting; returns the bytes (a handful at most).
    func drain() -> [UInt8] {
        var drained: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let count = read(readFD, &buffer, buffer.count)
            if count <= 0 { return drained }
            drained += buffer.prefix(count)
        }
    }
}

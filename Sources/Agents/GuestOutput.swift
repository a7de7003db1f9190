import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// WASI stdout and stderr of one agent: a pipe whose lines go to the agent's console after each call.
/// Both ends are non-blocking, so a guest that writes more than the pipe holds (64 KiB) in one call gets
/// an error from `fd_write` instead of hanging its thread.
final class GuestOutput {
    /// /dev/null, for stdin.
    let input: Int32
    let writer: Int32
    private let reader: Int32
    private var pending: [UInt8] = []
    private let onLine: (String) -> Void

    init(onLine: @escaping (String) -> Void) throws {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw AgentFault.guestError("could not get a pipe for its output (\(errno))") }
        reader = ends[0]
        writer = ends[1]
        input = open("/dev/null", O_RDONLY | O_CLOEXEC)
        for descriptor in [reader, writer] {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        self.onLine = onLine
    }

    /// Passes on every complete line written so far (and a partial one over 1 KiB).
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(reader, &buffer, buffer.count)
            guard count > 0 else { break }
            pending += buffer[0..<count]
        }
        while let newline = pending.firstIndex(of: 10) {
            onLine(String(decoding: pending[..<newline], as: UTF8.self))
            pending.removeSubrange(...newline)
        }
        if pending.count > 1024 {
            onLine(String(decoding: pending, as: UTF8.self))
            pending.removeAll()
        }
    }

    func close() {
        for descriptor in [reader, writer, input] where descriptor >= 0 { _ = Glibc.close(descriptor) }
    }
}

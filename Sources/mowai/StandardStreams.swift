#if canImport(Glibc)
import Glibc
#endif

/// Writing to stdout and stderr without Foundation's `FileHandle.write`, which traps when the reader has
/// gone (`mowai mob run --json | head` closed the pipe and the process crashed).
enum StandardStreams {
    static let output: Int32 = 1
    static let error: Int32 = 2

    /// Writes all of `text`; when the reader is gone (EPIPE) the program ends quietly, with the status a
    /// SIGPIPE would have given it (141), as command-line tools do.
    static func write(_ text: String, to descriptor: Int32 = output) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                if errno == EPIPE { exit(141) }
                return
            }
        }
    }
}

import Foundation
import ServerShell
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `mowai arena --record FILE`: the workshop's tasks, thoughts, responses, joins and leaves appended to
/// FILE as JSON Lines, `{"v":1,"ts":WALL_MS,"message":{…}}`, each message as spectators saw it.
///
/// The relay's thread only appends to a buffer; a thread of its own writes it out (each batch with one
/// write, so a line is on disk as soon as that returns), so a slow or full disk never holds up the
/// relay. Past `maxBytes` the file is rotated (FILE.1, FILE.2 … the oldest beyond `keep` deleted). A
/// failed write (a full disk) stops the recording with a log line; the arena carries on.
public final class Recorder: @unchecked Sendable {
    public static let formatVersion = 1

    private let path: String
    private let maxBytes: Int
    private let keep: Int
    private let log: Log
    private let state = Mutex(Buffer())
    private let wake = NSCondition()
    private let finished = DispatchSemaphore(value: 0)
    // Owned by the writer thread.
    private var descriptor: Int32
    private var written: Int

    struct Buffer {
        var pending: [UInt8] = []
        var dropped = 0
        var stopping = false
        var stopped = false
    }

    /// At most this much waits for the disk; beyond it lines are dropped (and counted in the log).
    static let maxPendingBytes = 8 << 20

    /// Opens (or creates) FILE for appending. Throws a message that says what to fix.
    public init(path: String, maxBytes: Int = 100 << 20, keep: Int = 3, log: Log) throws {
        self.path = path
        self.maxBytes = max(4096, maxBytes)
        self.keep = max(1, keep)
        self.log = log
        descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ArenaServerError.cannotRecord(path: path, reason: String(cString: strerror(errno)))
        }
        var status = stat()
        written = fstat(descriptor, &status) == 0 ? Int(status.st_size) : 0
        let thread = Thread { [self] in writeLoop() }
        thread.name = "mowai-record"
        thread.start()
    }

    /// Relay thread: queues one line; never waits for the disk.
    public func append(_ message: [UInt8], at wallMs: Int64) {
        let line = Array("{\"v\":\(Self.formatVersion),\"ts\":\(wallMs),\"message\":".utf8) + message + Array("}\n".utf8)
        let queued = state.withLock { buffer -> Bool in
            guard !buffer.stopped else { return false }
            guard buffer.pending.count + line.count <= Self.maxPendingBytes else {
                buffer.dropped += 1
                return false
            }
            buffer.pending += line
            return true
        }
        if queued {
            wake.lock()
            wake.signal()
            wake.unlock()
        }
    }

    /// Writes what is queued and closes the file (at shutdown).
    public func close() {
        state.withLock { $0.stopping = true }
        wake.lock()
        wake.signal()
        wake.unlock()
        finished.wait()
    }

    private func writeLoop() {
        defer { finished.signal() }
        while true {
            wake.lock()
            while state.withLock({ $0.pending.isEmpty && !$0.stopping }) { wake.wait() }
            wake.unlock()
            let (batch, dropped, stopping) = state.withLock { buffer in
                defer { buffer.pending.removeAll(keepingCapacity: true); buffer.dropped = 0 }
                return (buffer.pending, buffer.dropped, buffer.stopping)
            }
            if dropped > 0 { log(.warn, "recording: the disk fell behind; \(dropped) events were not recorded") }
            if !batch.isEmpty && !write(batch) {
                state.withLock { $0.stopped = true; $0.pending = [] }
                Glibc.close(descriptor)
                return
            }
            if stopping {
                Glibc.close(descriptor)
                return
            }
        }
    }

    /// Writes a batch, rotating first when it would pass the size limit. False when recording must stop.
    private func write(_ batch: [UInt8]) -> Bool {
        if written > 0 && written + batch.count > maxBytes && !rotate() { return false }
        var offset = 0
        while offset < batch.count {
            let count = batch.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                log(.error, "recording stopped: writing \(path) failed (\(String(cString: strerror(errno)))); the arena carries on")
                return false
            }
            offset += count
            written += count
        }
        return true
    }

    private func rotate() -> Bool {
        Glibc.close(descriptor)
        unlink("\(path).\(keep)")
        for index in stride(from: keep - 1, through: 1, by: -1) { rename("\(path).\(index)", "\(path).\(index + 1)") }
        rename(path, "\(path).1")
        descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        written = 0
        guard descriptor >= 0 else {
            log(.error, "recording stopped: cannot open \(path) after rotating it (\(String(cString: strerror(errno)))); the arena carries on")
            return false
        }
        log(.info, "recording: \(path) reached \(maxBytes >> 20) MiB; the earlier part is \(path).1")
        return true
    }
}

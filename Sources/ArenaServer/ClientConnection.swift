import ArenaRelay
import CWebsockets
#if canImport(Glibc)
import Glibc
#endif

/// One WebSocket client of the arena, owned by the service thread.
final class ClientConnection {
    let id: ConnectionID
    let wsi: OpaquePointer
    /// The pieces of a message that arrives in several callbacks.
    var input: [UInt8] = []
    var pendingClose: (code: CloseCode, reason: String)? {
        didSet { isClosing = pendingClose != nil }
    }
    /// `pendingClose != nil`, kept as a plain flag for the fan-out loop.
    private(set) var isClosing = false
    var isWriteRequested = false
    var isDirty = false
    var isClosed = false
    /// Counted by the server's `Backpressure`; since when (monotonic µs), to catch clients that never read.
    var isCongested = false
    var congestedSince: Int64?

    /// Pre-framed messages not yet written: bytes head..<tail of a malloc'd buffer. A raw buffer, not an
    /// Array: appending a frame for each of hundreds of recipients must cost a memcpy and nothing more
    /// (no reference counting, no uniqueness or exclusivity checks).
    private var output: UnsafeMutableRawPointer?
    private var capacity = 0
    private var head = 0
    private var tail = 0

    init(id: ConnectionID, wsi: OpaquePointer) {
        self.id = id
        self.wsi = wsi
    }

    deinit { free(output) }

    var pendingOutputBytes: Int { tail - head }

    func enqueue(frame: UnsafeRawBufferPointer) {
        let count = frame.count
        if tail + count > capacity { makeRoom(for: count) }
        guard let output, let source = frame.baseAddress, tail + count <= capacity else { return }
        memcpy(output + tail, source, count)
        tail += count
    }

    func discardOutput() {
        head = 0
        tail = 0
    }

    /// Writes up to `maxBytes` of queued output in one call. Returns false if the socket failed.
    func flush(maxBytes: Int) -> Bool {
        let count = min(pendingOutputBytes, maxBytes)
        guard count > 0, let output else { return true }
        let written = lws_write(wsi, output.assumingMemoryBound(to: UInt8.self) + head, count,
                                lws_write_protocol(UInt32(mowai_lws_write_raw())))
        guard written >= 0 else { return false }
        // lws buffers whatever the kernel did not take and reports the whole chunk as written.
        head += count
        if head == tail {
            head = 0
            tail = 0
            // A burst may have grown the buffer; give big ones back once they are empty.
            if capacity > 256 * 1024 {
                free(output)
                self.output = nil
                capacity = 0
            }
        }
        return true
    }

    private func makeRoom(for count: Int) {
        let pending = tail - head
        if head > 0, let output {
            memmove(output, output + head, pending)
            head = 0
            tail = pending
        }
        guard tail + count > capacity else { return }
        var newCapacity = max(capacity, 16 * 1024)
        while newCapacity < tail + count { newCapacity *= 2 }
        guard let grown = realloc(output, newCapacity) else {
            fatalError("out of memory growing a client's output buffer to \(newCapacity) bytes")
        }
        output = grown
        capacity = newCapacity
    }
}

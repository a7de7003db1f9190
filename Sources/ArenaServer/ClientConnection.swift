import ArenaRelay
import CWebsockets

/// One WebSocket client of the arena, owned by the service thread.
final class ClientConnection {
    let id: ConnectionID
    let wsi: OpaquePointer
    /// Pre-framed messages not yet written; `sent` bytes of it are already on their way.
    private(set) var output: [UInt8] = []
    private var sent = 0
    /// The pieces of a message that arrives in several callbacks.
    var input: [UInt8] = []
    var pendingClose: (code: CloseCode, reason: String)?
    var isWriteRequested = false

    init(id: ConnectionID, wsi: OpaquePointer) {
        self.id = id
        self.wsi = wsi
    }

    var pendingOutputBytes: Int { output.count - sent }

    func enqueue(frame: [UInt8]) {
        output.append(contentsOf: frame)
    }

    func discardOutput() {
        output.removeAll()
        sent = 0
    }

    /// Writes as much queued output as one call takes. Many small frames leave in one write: this is
    /// what lets one thread relay millions of messages a second.
    /// Returns false if the socket failed.
    func flush(maxBytes: Int) -> Bool {
        let count = min(pendingOutputBytes, maxBytes)
        guard count > 0 else { return true }
        let written = output.withUnsafeMutableBufferPointer { buffer in
            lws_write(wsi, buffer.baseAddress! + sent, count, lws_write_protocol(UInt32(mowai_lws_write_raw())))
        }
        guard written >= 0 else { return false }
        // lws buffers whatever the kernel did not take and reports the whole chunk as written.
        sent += count
        if sent == output.count {
            output.removeAll(keepingCapacity: output.capacity <= 1 << 20)
            sent = 0
        } else if sent > 1 << 20 {
            output.removeFirst(sent)
            sent = 0
        }
        return true
    }
}

import ArenaProtocol
import CWebsockets
import Foundation
import Synchronization

/// One libwebsockets client context and the thread that services it; many connections share it.
/// Other threads talk to it only through `submit`, which wakes the service thread.
public final class WebSocketHub: Sendable {
    enum Command: Sendable {
        case connect(WebSocketConnection)
        case write(WebSocketConnection)
    }

    nonisolated(unsafe) private var context: OpaquePointer?
    nonisolated(unsafe) private let protocols: UnsafeMutablePointer<lws_protocols>
    nonisolated(unsafe) private let protocolName: UnsafeMutablePointer<CChar>?
    private let commands = Mutex<[Command]>([])

    private static let sharedHub = Mutex<WebSocketHub?>(nil)

    /// The process-wide hub, trusting the system's certificate authorities.
    public static func shared() throws -> WebSocketHub {
        try sharedHub.withLock { hub in
            if let hub { return hub }
            // Name Debian's system bundle explicitly rather than rely on the TLS library's default paths.
            let systemBundle = "/etc/ssl/certs/ca-certificates.crt"
            let created = try WebSocketHub(certificateAuthorityFile: access(systemBundle, R_OK) == 0 ? systemBundle : nil)
            hub = created
            return created
        }
    }

    /// A hub whose TLS connections trust `certificateAuthorityFile` (a PEM file) instead of the system CAs.
    public init(certificateAuthorityFile: String?) throws {
        protocolName = strdup("mowai-client")
        protocols = .allocate(capacity: 2)
        protocols.initialize(repeating: lws_protocols(), count: 2)
        protocols[0].name = UnsafePointer(protocolName)
        protocols[0].callback = hubCallback

        var info = lws_context_creation_info()
        info.port = CONTEXT_PORT_NO_LISTEN
        info.protocols = UnsafePointer(protocols)
        info.options = mowai_lws_option_ssl_global_init()
        info.connect_timeout_secs = 10
        let caFile = certificateAuthorityFile.map { strdup($0) } ?? nil
        defer { free(caFile) }
        info.client_ssl_ca_filepath = UnsafePointer(caFile)
        info.user = Unmanaged.passUnretained(self).toOpaque()
        // Silence: lws would print to stderr, under the console's feet. Failures reach callers as errors.
        lws_set_log_level(0, nil)
        guard let created = lws_create_context(&info) else {
            protocols.deallocate()
            free(protocolName)
            throw WebSocketError.clientUnavailable("lws_create_context failed")
        }
        context = created
        // The hub lives as long as its thread: the shared one for the whole process.
        let thread = Thread { [self] in serve() }
        thread.name = "mowai-websocket"
        thread.start()
    }

    private func serve() {
        guard let context else { return }
        while lws_service(context, 0) >= 0 {}
    }

    func submit(_ command: Command) {
        commands.withLock { $0.append(command) }
        if let context { lws_cancel_service(context) }
    }

    // MARK: Service thread

    fileprivate func runCommands() {
        let pending = commands.withLock { queue -> [Command] in
            defer { queue.removeAll() }
            return queue
        }
        for command in pending {
            switch command {
            case .connect(let connection): open(connection)
            case .write(let connection):
                if let wsi = connection.wsi { lws_callback_on_writable(wsi) }
            }
        }
    }

    private func open(_ connection: WebSocketConnection) {
        let url = connection.url
        let address = strdup(url.host), path = strdup(url.path)
        let host = strdup(url.port == (url.isSecure ? 443 : 80) ? url.host : "\(url.host):\(url.port)")
        defer { free(address); free(path); free(host) }
        var info = lws_client_connect_info()
        info.context = context
        info.address = UnsafePointer(address)
        info.port = Int32(url.port)
        info.path = UnsafePointer(path)
        info.host = UnsafePointer(host)
        info.origin = UnsafePointer(host)
        info.ssl_connection = url.isSecure ? mowai_lws_client_ssl() : 0
        info.protocol = nil
        info.local_protocol_name = UnsafePointer(protocolName)
        // The connection stays retained by the socket until lws reports it closed.
        info.opaque_user_data = Unmanaged.passRetained(connection).toOpaque()
        // lws may already have reported a connection error (and we released the socket's reference)
        // by the time it returns NULL, as for a name that does not resolve.
        if lws_client_connect_via_info(&info) == nil && !connection.isFinished {
            connection.isFinished = true
            connection.finishConnecting(.failure(WebSocketError.connectFailed(url: "\(url)", reason: "could not start the connection")))
            connection.continuation.finish()
            Unmanaged<WebSocketConnection>.fromOpaque(info.opaque_user_data).release()
        }
    }

    fileprivate func callback(_ wsi: OpaquePointer, reason: lws_callback_reasons, input: UnsafeMutableRawPointer?, length: Int) -> Int32 {
        if reason == LWS_CALLBACK_EVENT_WAIT_CANCELLED {
            runCommands()
            return 0
        }
        guard let opaque = lws_get_opaque_user_data(wsi) else { return 0 }
        let connection = Unmanaged<WebSocketConnection>.fromOpaque(opaque).takeUnretainedValue()
        switch reason {
        case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
            return appendHeaders(connection, wsi: wsi, input: input, length: length)
        case LWS_CALLBACK_CLIENT_ESTABLISHED:
            connection.wsi = wsi
            connection.isEstablished = true
            connection.finishConnecting(.success(()))
            lws_callback_on_writable(wsi)
        case LWS_CALLBACK_CLIENT_RECEIVE:
            return receive(connection, wsi: wsi, input: input, length: length)
        case LWS_CALLBACK_CLIENT_WRITEABLE:
            return write(connection, wsi: wsi)
        case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
            connection.peerClose = Self.closePayload(input, length)
        case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
            let reason = input.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) } ?? "connection failed"
            finish(connection, wsi: wsi, opaque: opaque, error: reason)
        case LWS_CALLBACK_CLIENT_CLOSED, LWS_CALLBACK_CLOSED_CLIENT_HTTP, LWS_CALLBACK_WSI_DESTROY:
            // The last two end a socket that hung up before the upgrade completed.
            finish(connection, wsi: wsi, opaque: opaque, error: nil)
        default:
            break
        }
        return 0
    }

    private func appendHeaders(_ connection: WebSocketConnection, wsi: OpaquePointer, input: UnsafeMutableRawPointer?, length: Int) -> Int32 {
        guard let input else { return 0 }
        let cursor = input.assumingMemoryBound(to: UnsafeMutablePointer<UInt8>?.self)
        guard let start = cursor.pointee else { return 0 }
        let end = start + length
        for (name, value) in connection.options.headers {
            let headerName = name.lowercased() + ":"
            let bytes = Array(value.utf8)
            if lws_add_http_header_by_name(wsi, headerName, bytes, Int32(bytes.count), cursor, end) != 0 { return -1 }
        }
        return 0
    }

    private func receive(_ connection: WebSocketConnection, wsi: OpaquePointer, input: UnsafeMutableRawPointer?, length: Int) -> Int32 {
        if connection.input.count + length > connection.options.maxMessageBytes {
            lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, nil, 0)
            return -1
        }
        if let input, length > 0 {
            connection.input.append(contentsOf: UnsafeRawBufferPointer(start: input, count: length))
        }
        guard lws_is_final_fragment(wsi) != 0, lws_remaining_packet_payload(wsi) == 0 else { return 0 }
        connection.continuation.yield(.message(connection.input, isBinary: lws_frame_is_binary(wsi) != 0))
        connection.input.removeAll(keepingCapacity: true)
        return 0
    }

    /// One message per writeable callback, as libwebsockets requires.
    private func write(_ connection: WebSocketConnection, wsi: OpaquePointer) -> Int32 {
        let (next, more, close) = connection.shared.withLock { state in
            let next = state.outbox.isEmpty ? nil : state.outbox.removeFirst()
            return (next, !state.outbox.isEmpty, state.closeRequest)
        }
        if let next {
            let pre = Int(mowai_lws_pre())
            var buffer = [UInt8](repeating: 0, count: pre) + next.bytes
            let kind = next.isBinary ? mowai_lws_write_binary() : mowai_lws_write_text()
            let written = buffer.withUnsafeMutableBufferPointer { pointer in
                lws_write(wsi, pointer.baseAddress! + pre, next.bytes.count, lws_write_protocol(UInt32(kind)))
            }
            if written < 0 { return -1 }
            if more || close != nil { lws_callback_on_writable(wsi) }
            return 0
        }
        if let close {
            var reason = Array(close.reason.utf8Prefix(maxBytes: 123).utf8)
            reason.withUnsafeMutableBufferPointer { pointer in
                lws_close_reason(wsi, lws_close_status(UInt32(close.code)), pointer.baseAddress, pointer.count)
            }
            connection.peerClose = connection.peerClose ?? (close.code, close.reason)
            return -1
        }
        return 0
    }

    private func finish(_ connection: WebSocketConnection, wsi: OpaquePointer, opaque: UnsafeMutableRawPointer, error: String?) {
        // Later callbacks for this socket find no connection and do nothing.
        lws_set_opaque_user_data(wsi, nil)
        guard !connection.isFinished else { return }
        connection.isFinished = true
        connection.wsi = nil
        if connection.isEstablished {
            let close = connection.peerClose ?? (1006, error ?? "connection lost")
            connection.continuation.yield(.closed(code: close.code, reason: close.reason))
        } else {
            connection.finishConnecting(.failure(WebSocketError.connectFailed(url: "\(connection.url)", reason: error ?? "closed during the handshake")))
        }
        connection.continuation.finish()
        Unmanaged<WebSocketConnection>.fromOpaque(opaque).release()
    }

    static func closePayload(_ input: UnsafeMutableRawPointer?, _ length: Int) -> (code: UInt16, reason: String) {
        guard let input, length >= 2 else { return (1005, "") }
        let bytes = UnsafeRawBufferPointer(start: input, count: length)
        let code = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        return (code, String(decoding: bytes[2...], as: UTF8.self))
    }
}

private func hubCallback(
    _ wsi: OpaquePointer?, _ reason: lws_callback_reasons, _ user: UnsafeMutableRawPointer?,
    _ input: UnsafeMutableRawPointer?, _ length: Int
) -> Int32 {
    guard let wsi, let context = lws_get_context(wsi), let owner = lws_context_user(context) else { return 0 }
    return Unmanaged<WebSocketHub>.fromOpaque(owner).takeUnretainedValue()
        .callback(wsi, reason: reason, input: input, length: length)
}

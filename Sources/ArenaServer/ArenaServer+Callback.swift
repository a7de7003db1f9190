import ArenaProtocol
import ArenaRelay
import CWebsockets
import ServerShell

extension ArenaServer {
    /// Dispatches one libwebsockets event. Returning -1 closes the connection.
    func callback(_ wsi: OpaquePointer, reason: lws_callback_reasons, input: UnsafeMutableRawPointer?, length: Int) -> Int32 {
        switch reason {
        case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
            // The upgrade request's headers are readable only now.
            if let secret = customHeader(wsi, "x-admin-secret:") { upgradeSecrets[wsi] = secret }
            return 0
        case LWS_CALLBACK_ESTABLISHED:
            opened(wsi)
            return 0
        case LWS_CALLBACK_RECEIVE:
            return received(wsi, input: input, length: length)
        case LWS_CALLBACK_SERVER_WRITEABLE:
            return writeable(wsi)
        case LWS_CALLBACK_CLOSED:
            closed(wsi)
            return 0
        case LWS_CALLBACK_HTTP:
            return httpRequest(wsi, uri: input.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) } ?? "/")
        case LWS_CALLBACK_HTTP_BODY:
            return httpBody(wsi, input: input, length: length)
        case LWS_CALLBACK_HTTP_BODY_COMPLETION:
            return httpBodyComplete(wsi)
        case LWS_CALLBACK_CLOSED_HTTP, LWS_CALLBACK_WSI_DESTROY:
            // Keyed by the wsi's address, which a later connection may get: never let an entry outlive it.
            httpExchanges[wsi] = nil
            upgradeSecrets[wsi] = nil
            return 0
        case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
            serviceWasCancelled()
            return 0
        default:
            return lws_callback_http_dummy(wsi, reason, nil, input, length)
        }
    }

    private func received(_ wsi: OpaquePointer, input: UnsafeMutableRawPointer?, length: Int) -> Int32 {
        guard let connection = connectionsBySocket[wsi] else { return -1 }
        if connection.input.count + length > ProtocolLimits.maxFrameBytes {
            log(.info, "\(connection.id): message over \(ProtocolLimits.maxFrameBytes) bytes; closing with 1009")
            relay.metrics.recordRejected(.tooBig)
            relay.metrics.recordClosed(.messageTooBig)
            return close(wsi, code: .messageTooBig, reason: "Message too big (max \(ProtocolLimits.maxFrameBytes) bytes)")
        }
        if let input, length > 0 {
            connection.input.append(contentsOf: UnsafeRawBufferPointer(start: input, count: length))
        }
        guard lws_is_final_fragment(wsi) != 0, lws_remaining_packet_payload(wsi) == 0 else { return 0 }
        let message = connection.input
        connection.input.removeAll(keepingCapacity: true)
        handle(.received(message, from: connection.id, at: Moment.now()))
        return 0
    }

    private func writeable(_ wsi: OpaquePointer) -> Int32 {
        guard let connection = connectionsBySocket[wsi] else { return 0 }
        connection.isWriteRequested = false
        guard connection.flush(maxBytes: 256 * 1024) else { return -1 }
        if connection.isCongested { noteCongestion(of: connection) }
        if connection.pendingOutputBytes > 0 {
            requestWrite(connection)
        } else if let (code, reason) = connection.pendingClose {
            return close(wsi, code: code, reason: reason)
        }
        return 0
    }

    /// Sends a close frame with `code` and `reason` (cut to the 123 bytes a close frame allows).
    func close(_ wsi: OpaquePointer, code: CloseCode, reason: String) -> Int32 {
        var bytes = Array(reason.utf8Prefix(maxBytes: 123).utf8)
        bytes.withUnsafeMutableBufferPointer { buffer in
            lws_close_reason(wsi, lws_close_status(UInt32(code.rawValue)), buffer.baseAddress, buffer.count)
        }
        return -1
    }

    func customHeader(_ wsi: OpaquePointer, _ name: String) -> String? { HTTPHeaders.custom(wsi, name) }

    func header(_ wsi: OpaquePointer, _ token: lws_token_indexes) -> String? { HTTPHeaders.value(wsi, token) }
}

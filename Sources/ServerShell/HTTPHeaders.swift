import CWebsockets

/// A request's headers, read from libwebsockets on its service thread.
public enum HTTPHeaders {
    /// A header lws knows by token (Content-Length, Authorization, …).
    public static func value(_ wsi: OpaquePointer, _ token: lws_token_indexes) -> String? {
        let length = lws_hdr_total_length(wsi, token)
        guard length > 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(length) + 1)
        guard lws_hdr_copy(wsi, &buffer, Int32(buffer.count), token) >= 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Any other header, by its lower-case name with the colon ("x-admin-secret:").
    public static func custom(_ wsi: OpaquePointer, _ name: String) -> String? {
        let length = lws_hdr_custom_length(wsi, name, Int32(name.utf8.count))
        guard length > 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(length) + 1)
        guard lws_hdr_custom_copy(wsi, &buffer, Int32(buffer.count), name, Int32(name.utf8.count)) >= 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// "GET", "POST", or what else lws parsed the request line as.
    public static func method(_ wsi: OpaquePointer) -> String {
        let methods: [(lws_token_indexes, String)] = [
            (WSI_TOKEN_GET_URI, "GET"), (WSI_TOKEN_POST_URI, "POST"), (WSI_TOKEN_OPTIONS_URI, "OPTIONS"),
            (WSI_TOKEN_PUT_URI, "PUT"), (WSI_TOKEN_PATCH_URI, "PATCH"), (WSI_TOKEN_DELETE_URI, "DELETE"),
            (WSI_TOKEN_HEAD_URI, "HEAD"),
        ]
        return methods.first { lws_hdr_total_length(wsi, $0.0) > 0 }?.1 ?? "OTHER"
    }
}

/// Writing HTTP/1.1 answers through libwebsockets, on its service thread.
public enum HTTPWriter {
    public enum Framing: Equatable {
        /// The body's length is known: `Content-Length`, and the connection may serve another request.
        case length(Int)
        /// A body written as it is made: `Transfer-Encoding: chunked`, each write a chunk.
        case chunked
    }

    /// Writes the status line and headers. False when the connection cannot take them.
    public static func head(_ wsi: OpaquePointer, status: Int, contentType: String, framing: Framing,
                            headers: [(name: String, value: String)] = []) -> Bool {
        let pre = Int(mowai_lws_pre())
        var buffer = [UInt8](repeating: 0, count: pre + 1024)
        return buffer.withUnsafeMutableBufferPointer { buffer -> Bool in
            let start = buffer.baseAddress! + pre
            var cursor: UnsafeMutablePointer<UInt8>? = start
            let end = buffer.baseAddress! + buffer.count - 1
            // Not lws_add_http_common_headers: without a length it would declare "connection: close".
            guard lws_add_http_header_status(wsi, UInt32(status), &cursor, end) == 0 else { return false }
            var all = [(name: "content-type:", value: contentType)]
            switch framing {
            case .length(let count):
                // lws counts what is written against it, as lws_add_http_common_headers would have it.
                guard lws_add_http_header_content_length(wsi, lws_filepos_t(count), &cursor, end) == 0 else { return false }
            case .chunked:
                all.append((name: "transfer-encoding:", value: "chunked"))
            }
            all += headers.map { (name: $0.name.lowercased() + ":", value: $0.value) }
            for header in all {
                let value = Array(header.value.utf8)
                let added = value.withUnsafeBufferPointer { bytes in
                    lws_add_http_header_by_name(wsi, header.name, bytes.baseAddress, Int32(bytes.count), &cursor, end)
                }
                guard added == 0 else { return false }
            }
            return lws_finalize_write_http_header(wsi, start, &cursor, end) == 0
        }
    }

    /// Writes body bytes as they are (framed by the caller for `.chunked`); `final` ends the answer.
    /// False when the connection failed.
    public static func body(_ wsi: OpaquePointer, _ bytes: [UInt8], final: Bool) -> Bool {
        let pre = Int(mowai_lws_pre())
        var buffer = [UInt8](repeating: 0, count: pre) + bytes
        let written = buffer.withUnsafeMutableBufferPointer { buffer in
            lws_write(wsi, buffer.baseAddress! + pre, bytes.count,
                      lws_write_protocol(UInt32(final ? mowai_lws_write_http_final() : mowai_lws_write_http())))
        }
        return written >= 0
    }

    /// `bytes` as one chunk of a chunked body (an empty one is the end: pass it with `final`).
    public static func chunk(_ bytes: [UInt8]) -> [UInt8] {
        Array(String(bytes.count, radix: 16).utf8) + [13, 10] + bytes + [13, 10]
    }

    /// A whole answer: head and body. Returns -1 when the connection should close (it failed, or
    /// `keepAlive` is false), as lws callbacks do.
    public static func complete(_ wsi: OpaquePointer, status: Int, contentType: String = "application/json", body: [UInt8],
                                headers: [(name: String, value: String)] = [], keepAlive: Bool) -> Int32 {
        guard head(wsi, status: status, contentType: contentType, framing: .length(body.count), headers: headers),
              self.body(wsi, body, final: true), keepAlive else { return -1 }
        return lws_http_transaction_completed(wsi) != 0 ? -1 : 0
    }
}

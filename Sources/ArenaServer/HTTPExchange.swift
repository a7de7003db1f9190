import ArenaProtocol
import ArenaRelay
import CWebsockets
import ServerShell

/// An HTTP request whose body is still arriving.
struct HTTPExchange {
    var request: HTTPRequest
}

extension ArenaServer {
    func httpRequest(_ wsi: OpaquePointer, uri: String) -> Int32 {
        let method = HTTPHeaders.method(wsi)
        let request = HTTPRequest(method: method, path: uri, adminSecret: customHeader(wsi, "x-admin-secret:"))
        guard method == "POST" else { return respond(wsi, to: request) }

        let declared = header(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH).flatMap { Int($0) } ?? 0
        if declared > HTTPAPI.maxBodyBytes {
            log(.info, "POST \(uri): body of \(declared) bytes refused with 413")
            return write(wsi, HTTPAPI.tooLarge, for: uri, keepAlive: false)
        }
        if declared == 0 {
            // A chunked body would arrive after we answered; ask for a length instead of guessing.
            if header(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) != nil {
                return write(wsi, HTTPResponse(status: 411, json: ["error": "Content-Length required"]), for: uri, keepAlive: false)
            }
            return respond(wsi, to: request)
        }
        httpExchanges[wsi] = HTTPExchange(request: request)
        return 0
    }

    func httpBody(_ wsi: OpaquePointer, input: UnsafeMutableRawPointer?, length: Int) -> Int32 {
        guard var exchange = httpExchanges[wsi] else { return -1 }
        if let input, length > 0 {
            exchange.request.body.append(contentsOf: UnsafeRawBufferPointer(start: input, count: length))
        }
        if exchange.request.body.count > HTTPAPI.maxBodyBytes {
            httpExchanges[wsi] = nil
            return write(wsi, HTTPAPI.tooLarge, for: exchange.request.path, keepAlive: false)
        }
        httpExchanges[wsi] = exchange
        return 0
    }

    func httpBodyComplete(_ wsi: OpaquePointer) -> Int32 {
        guard let exchange = httpExchanges.removeValue(forKey: wsi) else { return -1 }
        return respond(wsi, to: exchange.request)
    }

    private func respond(_ wsi: OpaquePointer, to request: HTTPRequest) -> Int32 {
        let (response, effects) = HTTPAPI.respond(to: request, relay: &relay, at: Moment.now())
        apply(effects)
        return write(wsi, response, for: request.path, keepAlive: true)
    }

    /// Writes a complete response, counted for /metrics (which counts itself). Returns -1 when the
    /// connection should close afterwards.
    private func write(_ wsi: OpaquePointer, _ response: HTTPResponse, for path: String, keepAlive: Bool) -> Int32 {
        if !path.hasPrefix("/metrics") || response.status != 200 { relay.metrics.recordHTTP(path: path, status: response.status) }
        return HTTPWriter.complete(wsi, status: response.status, contentType: response.contentType, body: response.body, keepAlive: keepAlive)
    }
}

import EndToEndSupport
import Foundation
import HTTPClient
import Testing

/// The libcurl client over real sockets, against the scripted server.
@Suite("HTTP client")
struct HTTPClientTests {
    @Test("a streamed body arrives piece by piece as the server sends it, after the head")
    func streamsPieces() async throws {
        let server = try ScriptedHTTPServer()
        var events: [HTTPStreamEvent] = []
        for try await event in HTTPClient.stream(HTTPRequest("GET", server.baseURL + "/chunks?count=3&gap_ms=300")) {
            events.append(event)
        }
        guard case .head(let head)? = events.first else { Issue.record("no head first: \(events)"); return }
        #expect(head.status == 200 && head.header("content-type") == "text/plain")
        let pieces = events.dropFirst().compactMap { event -> String? in
            if case .body(let bytes) = event { return String(decoding: bytes, as: UTF8.self) }
            return nil
        }
        // 300 ms apart, the three lines cannot arrive in one piece.
        #expect(pieces.count >= 3, "\(pieces)")
        #expect(pieces.joined() == "chunk 0\nchunk 1\nchunk 2\n")
    }

    @Test("the whole response: status, headers (Retry-After) and body; a POST's body and headers reach the server")
    func wholeResponse() async throws {
        let server = try ScriptedHTTPServer()
        let limited = try await HTTPClient.request(HTTPRequest("GET", server.baseURL + "/status?code=429&retry_after=7"))
        #expect(limited.status == 429 && limited.header("Retry-After") == "7" && limited.text.contains("scripted"))
        let echoed = try await HTTPClient.request(
            HTTPRequest("POST", server.baseURL + "/echo", headers: [HTTPHeader("Authorization", "Bearer k")], body: Array("{\"a\":1}".utf8)))
        let object = try JSONSerialization.jsonObject(with: Data(echoed.body)) as? [String: Any]
        #expect(object?["body"] as? String == "{\"a\":1}")
        #expect((object?["headers"] as? [String: String])?["authorization"] == "Bearer k")
    }

    @Test("a body that goes silent ends at the idle deadline; a server that never answers at the total one")
    func deadlines() async throws {
        let server = try ScriptedHTTPServer()
        let clock = ContinuousClock()
        var started = clock.now
        await #expect(throws: HTTPClientError.self) {
            for try await _ in HTTPClient.stream(HTTPRequest("GET", server.baseURL + "/stall", timeouts: HTTPTimeouts(total: nil, idle: 1))) {}
        }
        #expect(clock.now - started < .seconds(5))
        started = clock.now
        do {
            _ = try await HTTPClient.request(HTTPRequest("GET", server.baseURL + "/silent", timeouts: HTTPTimeouts(total: 1)))
            Issue.record("a silent server answered")
        } catch let error as HTTPClientError {
            guard case .timedOut(let url, _) = error else { Issue.record("not a timeout: \(error)"); return }
            #expect(url.hasSuffix("/silent") && error.description.contains("timed out"))
        }
        #expect(clock.now - started < .seconds(4))
    }

    @Test("ending the stream aborts the transfer: the server sees the client hang up")
    func cancellation() async throws {
        let server = try ScriptedHTTPServer()
        var received = 0
        for try await event in HTTPClient.stream(HTTPRequest("GET", server.baseURL + "/drip?gap_ms=50", timeouts: HTTPTimeouts(total: nil))) {
            if case .body = event { received += 1 }
            if received == 2 { break }
        }
        #expect(try await eventually(within: 5) { server.output.contains("gone /drip") }, "\(server.output)")
    }

    @Test("a cancelled task's request throws rather than passing a partial body for a whole one")
    func cancelledTask() async throws {
        let server = try ScriptedHTTPServer()
        let task = Task { try await HTTPClient.request(HTTPRequest("GET", server.baseURL + "/drip?gap_ms=50", timeouts: HTTPTimeouts(total: nil))) }
        #expect(try await eventually(within: 5) { server.output.contains("request /drip") })
        task.cancel()
        await #expect(throws: HTTPClientError.cancelled(url: server.baseURL + "/drip?gap_ms=50")) { try await task.value }
    }

    @Test("a refused connection is one worded error that names the address and does not assume an arena")
    func refused() async throws {
        do {
            _ = try await HTTPClient.request(HTTPRequest("GET", "http://127.0.0.1:1/v1/models", timeouts: HTTPTimeouts(connect: 2, total: 2)))
            Issue.record("port 1 answered")
        } catch let error as HTTPClientError {
            guard case .failed = error else { Issue.record("not a failure: \(error)"); return }
            #expect(error.description.hasPrefix("HTTP request to http://127.0.0.1:1/v1/models failed: "))
            #expect(!error.description.contains("arena"))
        }
    }
}

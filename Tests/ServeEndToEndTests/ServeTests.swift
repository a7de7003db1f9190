import EndToEndSupport
import Foundation
import HTTPClient
import LLMInterface
import Providers
import Testing

/// The real `mowai serve` on the default model, over real HTTP on 127.0.0.1.
@Suite("mowai serve", .serialized)
struct ServeTests {
    static let modelID = "SmolLM2-135M-Instruct.Q4_1"

    static func serve(_ arguments: [String] = [], key: String? = nil) throws -> ArenaProcess {
        try DefaultModel.require()
        return try ArenaProcess(command: "serve", arguments: ["--model", DefaultModel.path, "--threads", "2"] + arguments,
                                environment: ["MOWAI_API_KEY": key ?? ""])
    }

    static func chat(_ text: String, maxTokens: Int = 16, stream: Bool = false, extra: String = "") -> [UInt8] {
        let escaped = text.replacingOccurrences(of: "\"", with: "\\\"")
        return Array(#"{"model":"\#(modelID)","messages":[{"role":"user","content":"\#(escaped)"}],"max_tokens":\#(maxTokens),"temperature":0,"stream":\#(stream)\#(extra)}"#.utf8)
    }

    static func post(_ server: ArenaProcess, _ path: String, _ body: [UInt8], key: String? = nil, timeout: Double = 60) async throws -> HTTPResult {
        var headers = [HTTPHeader("Content-Type", "application/json")]
        if let key { headers.append(HTTPHeader("Authorization", "Bearer \(key)")) }
        return try await HTTPClient.request(HTTPRequest("POST", server.httpURL + path, headers: headers, body: body,
                                                        timeouts: HTTPTimeouts(connect: 5, total: timeout)))
    }

    static func json(_ result: HTTPResult) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(result.body)) as? [String: Any]) ?? [:]
    }

    static func requestsInFlight(_ server: ArenaProcess) async throws -> Int? {
        json(try await HTTPClient.get(server.httpURL + "/health"))["requests"] as? Int
    }

    @Test("curl streams server-sent events: role, deltas, finish_reason, usage, then [DONE]; the whole answer is the same text")
    func curlStreams() async throws {
        let server = try Self.serve()
        let (status, streamed) = try ProgramRun.run("curl", [
            "-sN", "--max-time", "60", "-H", "Content-Type: application/json",
            "--data-binary", String(decoding: Self.chat("Name a fruit.", stream: true, extra: #","stream_options":{"include_usage":true}"#), as: UTF8.self),
            server.httpURL + "/v1/chat/completions"])
        #expect(status == 0)
        let events = streamed.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(events.allSatisfy { $0.hasPrefix("data: ") } && events.last == "data: [DONE]", "\(streamed)")
        let chunks = events.dropLast().compactMap { try? JSONSerialization.jsonObject(with: Data($0.dropFirst(6).utf8)) as? [String: Any] }
        #expect(chunks.count == events.count - 1 && chunks.count >= 3)
        let deltas = chunks.compactMap { (($0["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any]) }
        let text = deltas.compactMap { $0["content"] as? String }.joined()
        #expect(deltas.first?["role"] as? String == "assistant" && !text.isEmpty)
        let usage = try #require(chunks.last?["usage"] as? [String: Int])
        #expect(usage["completion_tokens"].map { (1...16).contains($0) } == true && usage["prompt_tokens"].map { $0 > 0 } == true)

        let whole = try await Self.post(server, "/v1/chat/completions", Self.chat("Name a fruit."))
        #expect(whole.status == 200 && whole.header("Content-Type") == "application/json")
        let message = (Self.json(whole)["choices"] as? [[String: Any]])?.first?["message"] as? [String: String]
        #expect(message?["content"] == text)
    }

    @Test("the openai package from PyPI: listing, chat and text completions streamed and whole, stops, seeds, and its error types")
    func openAIPackage() throws {
        let server = try Self.serve(key: "sesame")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Interop/openai-client.py").path
        let (status, text) = try ProgramRun.run("python3", [script, server.httpURL + "/v1", "sesame"])
        #expect(status == 0 && text.hasSuffix("all checks passed\n"), "\(text)")
    }

    @Test("our openai: provider against mowai serve gives the text mowai generate gives on the same model")
    func providerMatchesLocal() async throws {
        let server = try Self.serve()
        let prompt = "Write one sentence about the sea."
        let local = try MowaiCommand.run(["generate", "--model", DefaultModel.path, "--chat", "--prompt", prompt,
                                          "--temp", "0", "--max-tokens", "24", "--threads", "2"])
        #expect(local.status == 0)
        let remote = try MowaiCommand.run(["generate", "--model", "openai:\(Self.modelID)@\(server.httpURL)/v1", "--chat", "--prompt", prompt,
                                           "--temp", "0", "--max-tokens", "24"], extraEnvironment: ["OPENAI_API_KEY": ""])
        #expect(remote.status == 0 && !remote.output.isEmpty, "\(remote.errors)")
        #expect(remote.output == local.output)
    }

    @Test("eight clients at once are all answered from one engine; a client that disconnects cancels its generation")
    func concurrencyAndDisconnect() async throws {
        let server = try Self.serve(["--parallel", "8"])
        let answers = try await withThrowingTaskGroup(of: HTTPResult.self) { group in
            for index in 0..<8 {
                group.addTask { try await Self.post(server, "/v1/chat/completions", Self.chat("Tell me about number \(index).", maxTokens: 24, stream: true)) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.count == 8)
        for answer in answers {
            #expect(answer.status == 200 && answer.text.hasSuffix("data: [DONE]\n\n") && answer.header("Content-Type") == "text/event-stream")
        }

        // 2000 tokens would take this machine many seconds; the client leaves after the first piece.
        let long = HTTPRequest("POST", server.httpURL + "/v1/chat/completions", headers: [HTTPHeader("Content-Type", "application/json")],
                               body: Self.chat("Write a very long story.", maxTokens: 2000, stream: true), timeouts: HTTPTimeouts(connect: 5, total: 60))
        for try await event in HTTPClient.stream(long) {
            if case .body = event { break }
        }
        #expect(try await eventually(within: 5) { try await Self.requestsInFlight(server) == 0 })
        #expect(try await eventually(within: 5) { server.log.text.contains("the client closed the connection; generation cancelled") }, "\(server.log.text)")
    }

    @Test("keys, bodies and bad requests: 401, 413, 400 and 404 in OpenAI's error shape; health needs no key")
    func refusals() async throws {
        let server = try Self.serve(["--max-body-kb", "4"], key: "sesame")
        let health = try await HTTPClient.get(server.httpURL + "/health")
        #expect(health.status == 200 && Self.json(health)["status"] as? String == "ok")
        let cases: [(key: String?, body: [UInt8], status: Int, code: String?)] = [
            (nil, Self.chat("hi"), 401, "invalid_api_key"),
            ("wrong", Self.chat("hi"), 401, "invalid_api_key"),
            ("sesame", Array(repeating: UInt8(ascii: " "), count: 5000), 413, "request_too_large"),
            ("sesame", Array("{\"messages\":".utf8), 400, nil),
            ("sesame", Array(#"{"messages":[{"role":"user","content":"x"}],"max_tokens":-5}"#.utf8), 400, nil),
            ("sesame", Array(#"{"model":"gpt-4o","messages":[{"role":"user","content":"x"}]}"#.utf8), 404, "model_not_found"),
        ]
        for (key, body, status, code) in cases {
            let answer = try await Self.post(server, "/v1/chat/completions", body, key: key)
            let error = Self.json(answer)["error"] as? [String: Any]
            #expect(answer.status == status && error?["message"] is String && error?["type"] is String, "\(answer.status) \(answer.text)")
            if let code { #expect(error?["code"] as? String == code) }
        }
        let answered = try await Self.post(server, "/v1/chat/completions", Self.chat("hi", maxTokens: 2), key: "sesame")
        #expect(answered.status == 200)
        let unknown = try await HTTPClient.get(server.httpURL + "/v1/embeddings")
        #expect(unknown.status == 404 && (Self.json(unknown)["error"] as? [String: Any])?["code"] as? String == "unknown_url")
        #expect(!server.log.text.contains("sesame"))
    }

    @Test("200 clients at once: beyond the queue they get 429 with Retry-After, the rest are answered, and the server serves on")
    func crowd() async throws {
        let server = try Self.serve(["--parallel", "4", "--queue", "8"])
        let statuses = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for index in 0..<200 {
                group.addTask {
                    let answer = try await Self.post(server, "/v1/completions", Array(#"{"prompt":"Count: \#(index)","max_tokens":4}"#.utf8), timeout: 120)
                    return (answer.status, answer.header("Retry-After"))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let answered = statuses.filter { $0.0 == 200 }.count
        let refused = statuses.filter { $0.0 == 429 }
        #expect(answered + refused.count == 200, "\(Set(statuses.map(\.0)))")
        #expect(answered >= 8 && !refused.isEmpty && refused.allSatisfy { $0.1 == "1" })
        #expect(try await eventually(within: 10) { try await Self.requestsInFlight(server) == 0 })
        let after = try await Self.post(server, "/v1/completions", Array(#"{"prompt":"Hello","max_tokens":4}"#.utf8))
        #expect(after.status == 200)
    }

    @Test("mowai bench serve measures a running server: every level, its tokens from usage, TTFT percentiles, as JSON")
    func bench() throws {
        let server = try Self.serve()
        let run = try MowaiCommand.run(["bench", "serve", "--url", server.httpURL + "/v1", "--clients", "1,3", "--requests", "2",
                                        "--max-tokens", "6", "--json"], extraEnvironment: ["OPENAI_API_KEY": ""])
        #expect(run.status == 0, "\(run.errors)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        #expect(report["model"] as? String == Self.modelID && report["server"] as? String == server.httpURL + "/v1")
        let levels = try #require(report["levels"] as? [[String: Any]])
        #expect(levels.map { $0["clients"] as? Int } == [1, 3] && levels.map { $0["requests"] as? Int } == [2, 6])
        for level in levels {
            let requests = level["requests"] as? Int ?? 0
            #expect(level["failed"] as? Int == 0 && (level["generatedTokens"] as? Int).map { (requests...requests * 6).contains($0) } == true)
            let p50 = level["timeToFirstTokenP50Ms"] as? Double ?? 0, p99 = level["timeToFirstTokenP99Ms"] as? Double ?? 0
            #expect(p50 > 0 && p99 >= p50 && (level["tokensPerSecond"] as? Double ?? 0) > 0)
        }
        let refused = try MowaiCommand.run(["bench", "serve", "--url", server.httpURL + "/v1", "--clients", "0"])
        #expect(refused.status != 0 && refused.errors.contains("--clients takes up to 16 comma-separated counts of 1 to 256 clients"))
    }

    @Test("a client that never reads its stream does not hold up the others")
    func slowReader() async throws {
        let server = try Self.serve()
        let body = Self.chat("Write a very long story.", maxTokens: 2000, stream: true)
        let stalled = try StalledClient(port: server.port, request: Array("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
        #expect(try await eventually(within: 5) { try await Self.requestsInFlight(server) == 1 })
        let other = try await Self.post(server, "/v1/chat/completions", Self.chat("hi", maxTokens: 4), timeout: 30)
        #expect(other.status == 200)
        stalled.close()
        #expect(try await eventually(within: 30) { try await Self.requestsInFlight(server) == 0 })
    }
}

/// A client that sends its request and then reads nothing, leaving the answer in the socket.
final class StalledClient: Sendable {
    let descriptor: Int32

    init(port: Int, request: [UInt8]) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var receiveBuffer: Int32 = 4096
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0, request.withUnsafeBytes({ send(descriptor, $0.baseAddress, $0.count, 0) }) == request.count else {
            throw ArenaTestError("could not send the request")
        }
    }

    func close() { _ = Glibc.close(descriptor) }
}

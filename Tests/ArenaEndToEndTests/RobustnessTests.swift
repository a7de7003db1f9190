import ArenaProtocol
import Foundation
import HTTPClient
import Testing
#if canImport(Glibc)
import Glibc
import EndToEndSupport
#endif

/// Abuse at the socket level, with raw TCP: none of it may disturb the other clients.
@Suite("Bad clients of the real arena")
struct RobustnessTests {
    /// A plain TCP connection to the arena.
    static func rawSocket(_ arena: ArenaProcess) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(arena.port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw ArenaTestError("connect failed: \(errno)") }
        return fd
    }

    static func send(_ fd: Int32, _ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    @Test("a client that vanishes in the middle of a frame leaves the others untouched")
    func abruptDisconnect() async throws {
        let arena = try ArenaProcess()
        let (agent, _) = try await TestClient.agent(arena)
        let fd = try Self.rawSocket(arena)
        Self.send(fd, Array("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n".utf8))
        var response = [UInt8](repeating: 0, count: 512)
        #expect(read(fd, &response, response.count) > 0)
        // A masked text frame announcing 100 bytes, of which only 3 arrive.
        Self.send(fd, [0x81, 0x80 | 100, 1, 2, 3, 4, 0x7B, 0x22, 0x74])
        close(fd)

        agent.sendJSON(["type": .string("PING"), "ts": .number(1)])
        #expect(try await agent.next(type: "PONG")["type"] == .string("PONG"))
        #expect(try await HTTPClient.get(arena.httpURL + "/health").status == 200)
    }

    @Test("a slowloris HTTP client does not hold up anybody, and is cut off")
    func slowloris() async throws {
        let arena = try ArenaProcess(arguments: ["--http-timeout", "1"])
        let fd = try Self.rawSocket(arena)
        defer { close(fd) }
        Self.send(fd, Array("POST /task HTTP/1.1\r\nHost: x\r\nX-Dribble: ".utf8))
        for _ in 0..<3 {
            #expect(try await HTTPClient.get(arena.httpURL + "/health").status == 200)
        }
        let (agent, _) = try await TestClient.agent(arena)
        #expect(!agent.isClosed)

        // The dribbling client is closed once its time is up: read() sees the end of the stream.
        var pollfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        #expect(poll(&pollfd, 1, 5000) == 1)
        var byte: UInt8 = 0
        #expect(read(fd, &byte, 1) <= 0)
    }

    @Test("a chunked POST is asked for a Content-Length (411) instead of being answered before its body")
    func chunkedBody() async throws {
        let arena = try ArenaProcess(adminSecret: "s3cret")
        let fd = try Self.rawSocket(arena)
        defer { close(fd) }
        Self.send(fd, Array("POST /task HTTP/1.1\r\nHost: x\r\nX-Admin-Secret: s3cret\r\nTransfer-Encoding: chunked\r\n\r\n".utf8))
        var response = [UInt8](repeating: 0, count: 1024)
        let count = read(fd, &response, response.count)
        #expect(count > 0)
        #expect(String(decoding: response.prefix(max(0, count)), as: UTF8.self).hasPrefix("HTTP/1.1 411"))
    }

    @Test("garbage instead of an HTTP request is dropped; the arena keeps serving")
    func garbage() async throws {
        let arena = try ArenaProcess()
        for junk in ["\u{0}\u{1}\u{2}\u{3}", "GET\r\n\r\n", String(repeating: "A", count: 20_000)] {
            let fd = try Self.rawSocket(arena)
            Self.send(fd, Array(junk.utf8))
            close(fd)
        }
        #expect(try await HTTPClient.get(arena.httpURL + "/health").status == 200)
    }
}

/// What clients say reaches the lead's terminal through the arena's log: as text, one line each.
@Suite("The arena's log and hostile clients")
struct HostileLogTests {
    @Test("names, personas, reasons and paths with escapes and line breaks are logged inert, on one line each")
    func logsAreSanitized() async throws {
        let arena = try ArenaProcess(arguments: ["--log-level", "debug"])
        defer { arena.terminate() }
        let evil = "\u{1B}]0;pwned\u{07}\u{1B}[2J\u{202E}x\u{9B}1m\nFORGED LINE"
        let (agent, _) = try await TestClient.agent(arena, name: String(evil.prefix(40)), persona: "\u{1B}[5m\r\nFORGED PERSONA")
        agent.sendRaw("not json \u{1B}[31m\nFORGED JSON")
        agent.send(type: "NO_SUCH_\u{1B}]0;x\u{07}\nFORGED TYPE", payload: [:])
        _ = try await HTTPClient.request("GET", "http://127.0.0.1:\(arena.port)/%1B%5D0%3Bpwned%07%0AFORGED%20PATH")
        agent.close()
        let log = { arena.log.data.withLock { $0 } }
        #expect(try await eventually { String(decoding: log(), as: UTF8.self).contains("disconnected") })
        let text = String(decoding: log(), as: UTF8.self)
        #expect(rawControls(in: log()).isEmpty, "raw controls in the log: \(rawControls(in: log()))")
        #expect(!text.split(separator: "\n").contains { $0.hasPrefix("FORGED") }, "a client forged a log line:\n\(text)")
        #expect(text.contains("␛]0;pwned␇"), "\(text)")
    }
}

import ArenaProtocol
import Foundation
import HTTPClient
import Testing
import WebSocketClient
import EndToEndSupport

@Suite("TLS: wss:// and https://")
struct TLSTests {
    /// A self-signed certificate for 127.0.0.1, made with the openssl command line.
    static func makeCertificate() throws -> (certificate: String, key: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mowai-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                             "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate]
        openssl.standardError = FileHandle.nullDevice
        openssl.standardOutput = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else { throw ArenaTestError("openssl failed") }
        return (certificate, key)
    }

    @Test("an arena with --tls-cert/--tls-key serves wss:// and https:// to clients that trust its CA")
    func secureArena() async throws {
        let (certificate, key) = try Self.makeCertificate()
        let arena = try ArenaProcess(arguments: ["--tls-cert", certificate, "--tls-key", key], adminSecret: "s3cret")
        let hub = try WebSocketHub(certificateAuthorityFile: certificate)
        let connection = try await WebSocketConnection.connect(to: "wss://127.0.0.1:\(arena.port)", hub: hub)
        let client = TestClient(connection, agentId: "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b")
        client.send(type: "AGENT_CONNECT", payload: ["name": .string("secure"), "color": .string(""), "persona": .string(""), "version": .string("")])
        #expect(try await client.next(type: "ARENA_ACK")["payload"]?["slot"] == .number(0))

        let health = try await HTTPClient.request("GET", "https://127.0.0.1:\(arena.port)/health", certificateAuthorityFile: certificate)
        #expect(health.status == 200)
        // The admin header survives TLS (HTTP/1.1 is negotiated; lws drops custom headers on h2).
        let task = try await HTTPClient.request("POST", "https://127.0.0.1:\(arena.port)/task", headers: [("X-Admin-Secret", "s3cret")],
                                                body: Array(#"{"description":"over TLS"}"#.utf8), certificateAuthorityFile: certificate)
        #expect(task.status == 200)
    }

    @Test("a client that does not trust the certificate is refused, with a reason")
    func untrusted() async throws {
        let (certificate, key) = try Self.makeCertificate()
        let arena = try ArenaProcess(arguments: ["--tls-cert", certificate, "--tls-key", key])
        await #expect(throws: WebSocketError.self) {
            _ = try await WebSocketConnection.connect(to: "wss://127.0.0.1:\(arena.port)")
        }
        await #expect(throws: HTTPClientError.self) {
            _ = try await HTTPClient.get("https://127.0.0.1:\(arena.port)/health")
        }
    }
}

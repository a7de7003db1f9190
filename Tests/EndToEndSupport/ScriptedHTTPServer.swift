import Foundation
import Glibc
import Synchronization

/// The scripted HTTP server (`Tests/Interop/scripted-http-server.py`, Python's standard library): chunked
/// and stalled bodies, chosen statuses, echoes. Its stdout says which requests came and which clients
/// hung up mid-stream (`request PATH`, `gone PATH`).
public final class ScriptedHTTPServer: @unchecked Sendable {
    let process = Process()
    public let port: Int
    private let lines = LogBuffer()

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    public static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Interop/scripted-http-server.py").path
    }

    public init() throws {
        port = try startListeningScript(process, ["python3", Self.script, "--port", "0"], into: lines,
                                        failure: "the scripted HTTP server did not start (python3 is needed)")
    }

    public var output: String { String(decoding: lines.data.withLock { $0 }, as: UTF8.self) }

    public func terminate() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

import Foundation
import Glibc
import Synchronization

/// The real `mowai arena` binary (or another server command: `mowai serve`), started on 127.0.0.1 with
/// a port the kernel picks. Shared by the end-to-end suites of the arena, the console and the server.
public final class ArenaProcess: @unchecked Sendable {
    let process = Process()
    public let port: Int
    private let errors = Pipe()
    /// What the arena wrote to stderr so far.
    public let log = LogBuffer()

    public var webSocketURL: String { "ws://127.0.0.1:\(port)" }
    public var httpURL: String { "http://127.0.0.1:\(port)" }

    /// The `mowai` executable next to the test bundle (override with MOWAI_BIN).
    public static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["MOWAI_BIN"] { return URL(fileURLWithPath: path) }
        let here = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return here.deletingLastPathComponent().appendingPathComponent("mowai")
    }

    /// Starts an arena on `port` (0: one the kernel picks; a fixed one to stand in for an arena that died).
    /// `command` names another server that takes --host and --port and prints where it listens first.
    public init(command: String = "arena", port: Int = 0, arguments: [String] = [], adminSecret: String? = nil,
                environment extra: [String: String] = [:]) throws {
        process.executableURL = Self.executable
        process.arguments = [command, "--host", "127.0.0.1", "--port", "\(port)"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["MOWAI_ADMIN_SECRET"] = adminSecret
        environment["PORT"] = nil
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = errors
        // Drain the log as it comes: a full pipe would block the arena's writes to stderr.
        errors.fileHandleForReading.readabilityHandler = { [log] handle in
            let chunk = handle.availableData
            log.data.withLock { $0.append(chunk) }
        }
        try process.run()

        // The first line says where it listens: "... http://127.0.0.1:PORT (...)".
        var line = Data()
        let reader = output.fileHandleForReading
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = reader.availableData
            guard !chunk.isEmpty else {
                process.waitUntilExit()
                throw ArenaTestError("mowai \(command) exited before listening: \(String(decoding: log.data.withLock { $0 }, as: UTF8.self))")
            }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: "127.0.0.1:"),
              let port = Int(text[range.upperBound...].prefix(while: \.isNumber)) else {
            throw ArenaTestError("unexpected first line: \(text)")
        }
        self.port = port
    }

    /// Sends SIGTERM and waits for the exit status.
    @discardableResult
    public func terminate() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Kills the arena with SIGKILL, as a crash would: no close frames, its sockets simply end.
    public func kill() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit {
        errors.fileHandleForReading.readabilityHandler = nil
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

public struct ArenaTestError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Polls `condition` until it holds or `seconds` pass; tests never sleep for a fixed time.
public func eventually(within seconds: Double = 5, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try await Task.sleep(nanoseconds: 5_000_000)
    }
    return try await condition()
}

public final class LogBuffer: Sendable {
    public let data = Mutex(Data())
    public init() {}
    public var text: String { String(decoding: data.withLock { $0 }, as: UTF8.self) }
}

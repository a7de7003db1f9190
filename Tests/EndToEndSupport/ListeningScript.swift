import Foundation
import Glibc

/// A helper script of the tests (`/usr/bin/env ARGUMENTS…`, the script under Tests/Interop) that prints
/// "listening on PORT" once it serves: its port, its stdout so far, and its end (killed with the object).
public class ListeningScript: @unchecked Sendable {
    let process = Process()
    public let port: Int
    private let lines = LogBuffer()

    /// The path of a script under Tests/Interop.
    static func interop(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Interop/\(name)").path
    }

    /// Waits up to 10 s for the "listening on" line; `failure` is the error otherwise.
    init(_ arguments: [String], failure: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        output.fileHandleForReading.readabilityHandler = { [lines] handle in
            let chunk = handle.availableData
            lines.data.withLock { $0.append(chunk) }
        }
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        var found: Int?
        while found == nil && Date() < deadline && process.isRunning {
            let text = String(decoding: lines.data.withLock { $0 }, as: UTF8.self)
            if let range = text.range(of: "listening on ") {
                found = Int(text[range.upperBound...].prefix(while: \.isNumber))
            } else {
                usleep(5000)
            }
        }
        guard let found else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            throw ArenaTestError(failure)
        }
        port = found
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

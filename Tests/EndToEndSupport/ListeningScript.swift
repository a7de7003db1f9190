import Foundation
import Glibc

/// Runs a helper script (`/usr/bin/env ARGUMENTS…`) whose stdout goes into `lines`, and waits up to
/// 10 s for its "listening on PORT" line: the port, or `failure` as the error.
func startListeningScript(_ process: Process, _ arguments: [String], into lines: LogBuffer, failure: String) throws -> Int {
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    output.fileHandleForReading.readabilityHandler = { handle in
        let chunk = handle.availableData
        lines.data.withLock { $0.append(chunk) }
    }
    try process.run()
    let deadline = Date().addingTimeInterval(10)
    while Date() < deadline && process.isRunning {
        let text = String(decoding: lines.data.withLock { $0 }, as: UTF8.self)
        if let range = text.range(of: "listening on "), let port = Int(text[range.upperBound...].prefix(while: \.isNumber)) {
            return port
        }
        usleep(5000)
    }
    throw ArenaTestError(failure)
}

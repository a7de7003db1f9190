import Foundation

/// Runs the real `mowai` binary to completion and gives back what it printed.
public enum MowaiCommand {
    public struct Outcome: Sendable {
        public let status: Int32
        public let output: String
        public let errors: String
    }

    /// `extraEnvironment` is added to this process's environment.
    public static func run(_ arguments: [String], extraEnvironment: [String: String] = [:]) throws -> Outcome {
        let process = Process()
        process.executableURL = ArenaProcess.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(extraEnvironment) { $1 }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // stderr is drained alongside stdout, so a chatty run cannot block on a full pipe.
        let errorText = Drained()
        let drained = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            errorText.data = errors.fileHandleForReading.readDataToEndOfFile()
            drained.signal()
        }
        let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        drained.wait()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: out, errors: String(decoding: errorText.data, as: UTF8.self))
    }

    /// Written by the draining thread before the semaphore is signalled, read after the wait.
    private final class Drained: @unchecked Sendable {
        var data = Data()
    }
}

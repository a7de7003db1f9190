import EndToEndSupport
import Foundation
import Synchronization

/// The real `mowai` binary run with arguments, its output collected as it comes.
final class MowaiProcess: @unchecked Sendable {
    private let process = Process()
    private let output = Pipe()
    private let errors = Pipe()
    private let standardOutput = LogBuffer()
    private let standardError = LogBuffer()

    init(_ arguments: [String], environment extra: [String: String] = [:]) throws {
        process.executableURL = ArenaProcess.executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        // Drained as it comes: a full pipe would block the program.
        for (pipe, buffer) in [(output, standardOutput), (errors, standardError)] {
            pipe.fileHandleForReading.readabilityHandler = { handle in
                let chunk = handle.availableData
                buffer.data.withLock { $0.append(chunk) }
            }
        }
        try process.run()
    }

    var stdout: String { String(decoding: standardOutput.data.withLock { $0 }, as: UTF8.self) }
    var stderr: String { String(decoding: standardError.data.withLock { $0 }, as: UTF8.self) }
    /// Everything written so far, byte for byte (stdout, then stderr).
    var rawOutput: Data { standardOutput.data.withLock { $0 } + standardError.data.withLock { $0 } }
    var isRunning: Bool { process.isRunning }
    /// Whether it ended by a signal (a crash: SIGILL, SIGSEGV, SIGABRT) rather than by exiting.
    var wasKilledBySignal: Bool { !process.isRunning && process.terminationReason == .uncaughtSignal }

    func interrupt() { process.interrupt() }

    /// Waits for the exit status (never by end of file: a tmux server started beside us may hold a copy
    /// of the pipe). What the program wrote last may arrive a moment later: wait for it with `waitFor`.
    func exitStatus(within seconds: Double = 20) async throws -> Int32 {
        guard try await eventually(within: seconds, { !self.process.isRunning }) else {
            throw ArenaTestError("mowai \(process.arguments?.joined(separator: " ") ?? "") still runs after \(seconds) s; "
                                 + "stdout:\n\(stdout)\nstderr:\n\(stderr)")
        }
        return process.terminationStatus
    }

    /// Waits until stdout (or stderr) contains `text`.
    func waitFor(_ text: String, onStandardError: Bool = false, within seconds: Double = 5) async throws {
        guard try await eventually(within: seconds, { (onStandardError ? self.stderr : self.stdout).contains(text) }) else {
            throw ArenaTestError("no \"\(text)\" on \(onStandardError ? "stderr" : "stdout") within \(seconds) s; "
                                 + "stdout:\n\(stdout)\nstderr:\n\(stderr)")
        }
    }

    deinit {
        output.fileHandleForReading.readabilityHandler = nil
        errors.fileHandleForReading.readabilityHandler = nil
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

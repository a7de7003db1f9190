import Foundation

/// Another program run to its end (curl, python3, node, systemd-analyze, a build script): its status,
/// and what it wrote to stdout and stderr together.
public enum ProgramRun {
    /// `executable` is a path, or a name found on PATH (through /usr/bin/env).
    public static func run(_ executable: String, _ arguments: [String], in folder: URL? = nil, input: Data? = nil,
                           environment extra: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        if executable.hasPrefix("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        if let folder { process.currentDirectoryURL = folder }
        if !extra.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 } }
        let output = Pipe(), feed = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = input == nil ? FileHandle.nullDevice : feed
        try process.run()
        if let input {
            // Written from a thread of its own, so a program that answers as it reads cannot block on us.
            let writer = feed.fileHandleForWriting
            DispatchQueue.global().async {
                writer.write(input)
                try? writer.close()
            }
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }
}

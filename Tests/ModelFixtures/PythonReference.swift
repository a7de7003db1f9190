import Foundation

/// The independent references in Tests/Interop, run with python3 (their packages come from `make setup`).
public enum PythonReference {
    /// Whether python3 can import every module named.
    public static func canImport(_ modules: String...) -> Bool {
        (try? run(["-c", "import " + modules.joined(separator: ", ")], input: nil, errorsTo: FileHandle.nullDevice).status) == 0
    }

    /// Runs `Tests/Interop/SCRIPT` with `arguments`, feeding `input` on stdin; returns stdout.
    public static func script(_ name: String, _ arguments: [String], input: Data? = nil) throws -> Data {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Interop/\(name)").path
        let (status, output) = try run([path] + arguments, input: input, errorsTo: nil)
        guard status == 0 else { throw ReferenceFailed(script: name, status: status) }
        return output
    }

    /// Runs `code` with `arguments`; returns stdout.
    public static func inline(_ code: String, _ arguments: [String]) throws -> Data {
        let (status, output) = try run(["-c", code] + arguments, input: nil, errorsTo: nil)
        guard status == 0 else { throw ReferenceFailed(script: "python3 -c", status: status) }
        return output
    }

    public struct ReferenceFailed: Error, CustomStringConvertible {
        public let script: String
        public let status: Int32
        public var description: String { "\(script) exited with status \(status)" }
    }

    private static func run(_ arguments: [String], input: Data?, errorsTo errors: FileHandle?) throws -> (status: Int32, output: Data) {
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3"] + arguments
        let output = Pipe()
        python.standardOutput = output
        if let errors { python.standardError = errors }
        let stdin = Pipe()
        if input != nil { python.standardInput = stdin }
        try python.run()
        if let input {
            stdin.fileHandleForWriting.write(input)
            try stdin.fileHandleForWriting.close()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        python.waitUntilExit()
        return (python.terminationStatus, data)
    }
}

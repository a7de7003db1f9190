import Foundation
import Synchronization

/// The real `mowai arena` on 127.0.0.1 with a port the kernel picks (like ArenaEndToEndTests' own).
final class ArenaProcess: @unchecked Sendable {
    private let process = Process()
    private let errors = Pipe()
    private let log = LogBuffer()
    let port: Int

    var webSocketURL: String { "ws://127.0.0.1:\(port)" }

    init(adminSecret: String? = nil) throws {
        process.executableURL = MowaiBinary.url
        process.arguments = ["arena", "--host", "127.0.0.1", "--port", "0"]
        var environment = ProcessInfo.processInfo.environment
        environment["MOWAI_ADMIN_SECRET"] = adminSecret
        environment["PORT"] = nil
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
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else {
                process.waitUntilExit()
                throw ConsoleTestError("mowai arena exited before listening: \(String(decoding: log.data.withLock { $0 }, as: UTF8.self))")
            }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: "127.0.0.1:"), let port = Int(text[range.upperBound...].prefix(while: \.isNumber)) else {
            throw ConsoleTestError("unexpected first line from mowai arena: \(text)")
        }
        self.port = port
    }

    /// Sends SIGTERM and waits for the arena to exit.
    func stop() {
        errors.fileHandleForReading.readabilityHandler = nil
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

enum MowaiBinary {
    /// The `mowai` executable next to the test bundle (override with MOWAI_BIN).
    static var url: URL {
        if let path = ProcessInfo.processInfo.environment["MOWAI_BIN"] { return URL(fileURLWithPath: path) }
        let here = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return here.deletingLastPathComponent().appendingPathComponent("mowai")
    }

    static var path: String { url.path }
}

/// A 127.0.0.1 port that refuses connections for as long as the value lives: the socket is bound (so no
/// one else gets the port) but never listens.
final class RefusingPort {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard descriptor >= 0, bound else { throw ConsoleTestError("cannot bind a port on 127.0.0.1") }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}

final class LogBuffer: Sendable {
    let data = Mutex(Data())
}

struct ConsoleTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

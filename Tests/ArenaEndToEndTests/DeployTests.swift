import EndToEndSupport
import Foundation
import Testing

/// The shipped systemd unit (deploy/mowai-arena.service), checked by systemd itself.
@Suite("Deployment")
struct DeployTests {
    static let unit = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy/mowai-arena.service")

    @Test("systemd-analyze verify accepts the unit (with the binary where the test built it), and its options are ours")
    func unitVerifies() throws {
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
        #expect(text.contains("ExecStart=/usr/local/bin/mowai arena "))
        // verify also checks that the binary exists: point the unit at the one under test.
        let here = FileManager.default.temporaryDirectory.appendingPathComponent("mowai-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: here, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: here) }
        let copy = here.appendingPathComponent("mowai-arena.service")
        try text.replacingOccurrences(of: "/usr/local/bin/mowai", with: ArenaProcess.executable.path).write(to: copy, atomically: true, encoding: .utf8)
        let (status, said) = try ProgramRun.run("/usr/bin/systemd-analyze", ["verify", copy.path])
        #expect(status == 0 && said.isEmpty, "\(said)")

        // The command line the unit runs is one mowai accepts (the secret file is read at start, so
        // only the options are checked here: --help parses them without running).
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("ExecStart=/usr/local/bin/mowai") })
        var arguments = line.split(separator: " ").dropFirst().map(String.init)
        arguments = arguments.map { $0.replacingOccurrences(of: "%d", with: here.path) }
        try "secret\n".write(to: here.appendingPathComponent("admin-secret"), atomically: true, encoding: .utf8)
        let port = arguments.firstIndex(of: "--port").map { $0 + 1 }
        if let port { arguments[port] = "0" }
        let arena = try ArenaProcess(command: arguments[0], arguments: Array(arguments.dropFirst()))
        #expect(arena.port > 0)
        #expect(arena.terminate() == 0)
    }
}

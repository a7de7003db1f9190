import Foundation
import Testing
import EndToEndSupport

/// The Node `ws` library is what the original Arena and its participants' tooling speak; setup installs
/// Debian's node-ws for this test.
private let wsLibrary = "/usr/share/nodejs/ws"

@Suite("A participant on the original's client library")
struct OriginalClientTests {
    @Test("connect, thought, peer thought, response, ping, 8193-byte close and departure, over `ws`",
          .enabled(if: FileManager.default.fileExists(atPath: wsLibrary), "needs node and node-ws (make setup installs them)"))
    func wsParticipant() throws {
        let arena = try ArenaProcess()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Interop/ws-participant.cjs")
        let (status, text) = try ProgramRun.run("node", [script.path, arena.webSocketURL], environment: ["NODE_PATH": "/usr/share/nodejs"])
        #expect(status == 0, "\(text)")
        #expect(text.contains("ok all"), "\(text)")
    }
}

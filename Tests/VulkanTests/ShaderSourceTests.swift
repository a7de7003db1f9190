import Foundation
import Testing

/// The committed SPIR-V (Sources/CVulkanShaders/shaders.c) is what `make shaders` makes from the GLSL
/// sources today: checked wherever glslc is installed (`make setup` installs it).
@Suite("Shader sources")
struct ShaderSourceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let hasCompiler = FileManager.default.isExecutableFile(atPath: "/usr/bin/glslc")

    @Test("shaders.c is current with the GLSL sources", .enabled(if: hasCompiler, "needs glslc (make setup installs it)"))
    func current() throws {
        let script = Process()
        script.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        script.arguments = ["python3", Self.root.appendingPathComponent("scripts/build-shaders.py").path, "--check"]
        let output = Pipe()
        script.standardOutput = output
        try script.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        script.waitUntilExit()
        #expect(script.terminationStatus == 0, "\(text)")
        #expect(text == "shaders.c is current\n")
    }
}

import Agents
import Foundation
import Testing
import WAT

/// Files that cannot become agents, and the two other shapes that can (a component, a WASI preview 1
/// module): each refusal says what is wrong, and none takes the host down.
@Suite struct AgentLoadTests {
    static func load(_ bytes: [UInt8]) throws(AgentLoadError) -> AgentBinary {
        try AgentBinary(bytes: bytes, origin: "fixture")
    }

    /// Starts `bytes` as an agent and returns why it failed (refusals found while instantiating).
    static func startFailure(_ bytes: [UInt8]) async throws -> String? {
        let events = EventRecorder()
        let agent = LocalAgent(binary: try load(bytes), config: AgentFixtures.config, llm: ScriptedLLM(), events: events.sink)
        defer { agent.stop() }
        agent.start()
        return await events.failure()
    }

    /// A component as `wasm-tools component new` lays it out, reduced to what mowai reads: the
    /// preamble, a custom section, then each core module in a section of id 1.
    static func component(_ modules: [[UInt8]]) -> [UInt8] {
        var bytes: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x0D, 0x00, 0x01, 0x00]
        let name = Array("producers".utf8)
        bytes += [0] + leb128(name.count + 1) + [UInt8(name.count)] + name
        for module in modules { bytes += [1] + leb128(module.count) + module }
        return bytes
    }

    static func leb128(_ value: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        var rest = value
        repeat {
            let low = UInt8(rest & 0x7F)
            rest >>= 7
            bytes.append(rest == 0 ? low : low | 0x80)
        } while rest != 0
        return bytes
    }

    // MARK: Not an agent at all

    @Test(arguments: [
        Array("hello, I am a text file\n".utf8),
        [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00],  // an ELF binary
        [],
        [0x00, 0x61, 0x73],
    ])
    func bytesThatAreNotWasmAreRefused(_ bytes: [UInt8]) {
        #expect(throws: AgentLoadError.notWebAssembly) { try Self.load(bytes) }
        #expect(AgentLoadError.notWebAssembly.description.hasPrefix("not a WebAssembly module"))
    }

    @Test func anUnknownVersionIsNamed() {
        #expect(throws: AgentLoadError.unsupportedVersion([2, 0, 0, 0])) { try Self.load([0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00]) }
        #expect(AgentLoadError.unsupportedVersion([2, 0, 0, 0]).description.hasPrefix("unknown WebAssembly version 2 0 0 0"))
    }

    @Test func aTruncatedModuleIsRefused() throws {
        let bytes = try wat2wasm(AgentFixtures.wat())
        for length in [9, bytes.count / 3, bytes.count / 2, bytes.count - 1] {
            #expect(throws: AgentLoadError.self) { try Self.load(Array(bytes.prefix(length))) }
        }
    }

    @Test func aMissingFileIsUnreadable() {
        let path = NSTemporaryDirectory() + "mowai-no-such-agent-\(UUID().uuidString).wasm"
        #expect(throws: AgentLoadError.unreadable(path: path, reason: "no such file")) { try AgentBinary.load(path: path) }
    }

    @Test func aFileOnDiskIsReadAndChecked() throws {
        let path = NSTemporaryDirectory() + "mowai-agent-\(UUID().uuidString).wasm"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("#!/bin/sh\necho hi\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: AgentLoadError.notWebAssembly) { try AgentBinary.load(path: path) }
        try Data(try wat2wasm(AgentFixtures.wat())).write(to: URL(fileURLWithPath: path))
        let binary = try AgentBinary.load(path: path)
        #expect(binary.origin == path)
    }

    // MARK: Not this world

    @Test func everyMissingExportIsListedAtOnce() async throws {
        let reason = try #require(await Self.startFailure(try wat2wasm("(module (func (export \"on-init\")))")))
        #expect(reason == AgentLoadError.doesNotImplementWorld([
            "no exported memory named \"memory\"",
            "missing export \"handle-task\" (i32, i32) -> (i32)",
            "missing export \"get-info\" () -> (i32)",
            "missing export \"on-peer-thought\" (i32, i32, i32, i32) -> ()",
            "missing export \"cabi_realloc\" (i32, i32, i32, i32) -> (i32)",
        ]).description)
    }

    @Test func aWrongExportSignatureIsNamed() async throws {
        let wat = AgentFixtures.wat(handleTask: "(i32.const 64)", extra: "(func (export \"cabi_post_get-info\") (param i64))")
            .replacingOccurrences(of: "(func (export \"handle-task\") (param i32 i32) (result i32)",
                                  with: "(func (export \"handle-task\") (param i32) (result i32)")
        let reason = try #require(await Self.startFailure(try wat2wasm(wat)))
        #expect(reason == AgentLoadError.doesNotImplementWorld([
            "\"handle-task\" is (i32) -> (i32), expected (i32, i32) -> (i32)",
            "\"cabi_post_get-info\" is (i64) -> (), expected (i32) -> ()",
        ]).description)
    }

    @Test func unknownImportsAreAllNamed() throws {
        let wat = AgentFixtures.wat(imports: """
            (import "env" "foo" (func))
            (import "$root" "now-ms" (func $badNow (result i32)))
            (import "$root" "read-file" (func (param i32 i32)))
            (import "env" "table" (table 1 funcref))
            """)
        #expect(throws: AgentLoadError.unknownImports([
            "env.foo",
            "$root.now-ms with signature () -> (i32) (expected () -> (i64))",
            "$root.read-file",
            "env.table",
        ])) { try Self.load(try wat2wasm(wat)) }
    }

    @Test func anUnknownWASIFunctionIsRefusedWhenTheAgentStarts() async throws {
        let wat = AgentFixtures.wat(imports: #"(import "wasi_snapshot_preview1" "sock_teleport" (func (param i32) (result i32)))"#)
        #expect(try await Self.startFailure(try wat2wasm(wat))
            == AgentLoadError.unknownImports(["wasi_snapshot_preview1.sock_teleport"]).description)
    }

    @Test func aModuleNeedingWASIPreview2IsRefusedNamingTheImports() throws {
        let wat = AgentFixtures.wat(imports: """
            (import "wasi:cli/environment@0.2.0" "get-environment" (func (param i32)))
            (import "wasi:io/streams@0.2.0" "[method]output-stream.blocking-write-and-flush" (func (param i32 i32 i32 i32)))
            """)
        let expected = AgentLoadError.needsWASIPreview2([
            "wasi:cli/environment@0.2.0.get-environment",
            "wasi:io/streams@0.2.0.[method]output-stream.blocking-write-and-flush",
        ])
        #expect(throws: expected) { try Self.load(try wat2wasm(wat)) }
        #expect(expected.description.contains("wasm32-wasip1"))
    }

    @Test func aFunctionThatFailsValidationFailsTheAgentAsInvalid() async throws {
        // It parses, but handle-task returns an i64 where it promised an i32. WasmKit checks a function
        // when it first compiles it, that is when it first runs.
        let (agent, events) = try AgentHostTests.start(AgentFixtures.wat(handleTask: "(i64.const 1)"))
        defer { agent.stop() }
        agent.submitTask(taskId: HostileGuestTests.taskId, description: "anything")
        let reason = try #require(await events.failure())
        #expect(reason.hasPrefix("handle-task failed: the module is not valid WebAssembly (found when a function first ran): "))
        #expect(reason.contains("Expected i32 on the stack top but got i64"))
    }

    @Test func dataPastTheEndOfMemoryFailsBeforeOnInit() async throws {
        let reason = try #require(await Self.startFailure(try wat2wasm(AgentFixtures.wat(extra: #"(data (i32.const 65535) "xy")"#))))
        #expect(reason == AgentLoadError.instantiationFailed("trapped: out of bounds memory access").description)
    }

    // MARK: Components

    @Test func aComponentRunsItsMainModule() async throws {
        let adapter = try wat2wasm(#"(module (func (export "fd_write") (param i32 i32 i32 i32) (result i32) (i32.const 0)))"#)
        let main = try wat2wasm(AgentFixtures.wat())
        let bytes = Self.component([adapter, main])
        #expect(try WasmBinary.kind(of: bytes) == .component)
        let binary = try Self.load(bytes)
        #expect(binary.byteCount == bytes.count)

        let events = EventRecorder()
        let agent = LocalAgent(binary: binary, config: AgentFixtures.config, llm: ScriptedLLM(), events: events.sink)
        defer { agent.stop() }
        agent.start()
        agent.submitTask(taskId: HostileGuestTests.taskId, description: "from a component")
        #expect(await events.response() == HostileGuestTests.answer)
    }

    @Test func aComponentNeedingWASIPreview2IsRefusedNamingTheImport() throws {
        let main = try wat2wasm(AgentFixtures.wat(imports: #"(import "wasi:cli/stdout@0.2.0" "get-stdout" (func (result i32)))"#))
        #expect(throws: AgentLoadError.needsWASIPreview2(["wasi:cli/stdout@0.2.0.get-stdout"])) { try Self.load(Self.component([main])) }
    }

    @Test func aComponentWithoutAModuleIsRefused() {
        #expect(throws: AgentLoadError.componentWithoutModule) { try Self.load(Self.component([])) }
    }

    @Test func aComponentWhoseSectionOverrunsTheFileIsTruncated() throws {
        let main = try wat2wasm(AgentFixtures.wat())
        let bytes = Self.component([main])
        #expect(throws: AgentLoadError.self) { try Self.load(Array(bytes.dropLast(10))) }
        // A section size of 2^32 - 1 (the LEB128 maximum) cannot fit: refused, not allocated.
        let huge = Array(bytes.prefix(8)) + [1, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00]
        #expect(throws: AgentLoadError.truncated(offset: 14)) { try Self.load(huge) }
    }

    // MARK: WASI preview 1

    @Test func wasiStdoutAndStderrReachTheConsole() async throws {
        // Two iovecs: "hello from wasi\n" to stdout, then "careful\n" to stderr.
        let wat = AgentFixtures.wat(handleTask: """
            (i32.store (i32.const 400) (i32.const 500))
            (i32.store (i32.const 404) (i32.const 16))
            (drop (call $fdWrite (i32.const 1) (i32.const 400) (i32.const 1) (i32.const 420)))
            (i32.store (i32.const 408) (i32.const 520))
            (i32.store (i32.const 412) (i32.const 8))
            (drop (call $fdWrite (i32.const 2) (i32.const 408) (i32.const 1) (i32.const 420)))
            (i32.store (i32.const 64) (i32.const 500))
            (i32.store (i32.const 68) (i32.load (i32.const 420)))
            (i32.const 64)
            """, extra: #"(data (i32.const 500) "hello from wasi\n") (data (i32.const 520) "careful\n")"#,
            imports: #"(import "wasi_snapshot_preview1" "fd_write" (func $fdWrite (param i32 i32 i32 i32) (result i32)))"#)
        let (agent, events) = try AgentHostTests.start(wat)
        defer { agent.stop() }
        agent.submitTask(taskId: HostileGuestTests.taskId, description: "print")
        // The answer is the first 8 bytes it wrote, as fd_write counted them for stderr.
        #expect(await events.response() == "hello fr")
        let output = events.all.compactMap { if case .output(let line) = $0 { return line }; return nil }
        #expect(output == ["hello from wasi", "careful"])
    }

    @Test func wasiSeesNoEnvironmentAndNoFiles() async throws {
        // environ_sizes_get writes the count (0) at 400; path_open on fd 3 (there are no preopens) fails (1).
        let wat = AgentFixtures.wat(handleTask: """
            (drop (call $environSizes (i32.const 400) (i32.const 404)))
            (i32.store8 (i32.const 600) (i32.add (i32.const 48) (i32.load (i32.const 400))))
            (i32.store8 (i32.const 601) (i32.add (i32.const 48) (i32.ne (i32.const 0)
              (call $pathOpen (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 4) (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 408)))))
            (i32.store (i32.const 64) (i32.const 600))
            (i32.store (i32.const 68) (i32.const 2))
            (i32.const 64)
            """, imports: """
            (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environSizes (param i32 i32) (result i32)))
            (import "wasi_snapshot_preview1" "path_open" (func $pathOpen (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
            """)
        let (agent, events) = try AgentHostTests.start(wat)
        defer { agent.stop() }
        agent.submitTask(taskId: HostileGuestTests.taskId, description: "look around")
        #expect(await events.response() == "01")
    }

    // MARK: The shipped agent

    @Test func theDefaultAgentLoadsAndAnswers() async throws {
        let events = EventRecorder()
        let agent = LocalAgent(binary: try AgentBinary.defaultAgent(), config: AgentFixtures.config, llm: ScriptedLLM(), events: events.sink)
        defer { agent.stop() }
        agent.start()
        agent.submitTask(taskId: HostileGuestTests.taskId, description: "How do we launch?")
        let answer = try #require(await events.response())
        #expect(!answer.isEmpty)
    }
}

import ArenaProtocol
import EndToEndSupport
import Foundation
import Testing

extension RealModelTests {
    /// `mowai agent run`, the real binary with the real model, against a real arena.
    @Suite struct HeadlessRun {
        @Test("mowai agent run --persona pragmatist answers a task in English and leaves on Ctrl-C")
        func answersWithTheDefaultModel() async throws {
            try DefaultModel.require()
            let arena = try Admin.arena()
            defer { arena.terminate() }
            let spectator = try await WireClient.spectator(arena.webSocketURL)
            defer { spectator.close() }
            let run = try MowaiProcess(["agent", "run", "--arena", arena.webSocketURL, "--persona", "pragmatist"] + RealModelTests.threads)

            // Loading the model takes a few seconds in a debug build.
            let join = try await spectator.message("AGENT_JOIN", within: 60).payload
            #expect(join["name"]?.stringValue == "pragmatist")
            #expect(join["persona"]?.stringValue == "pragmatist")
            #expect(join["version"]?.stringValue == "1.0.0")
            let agentId = try #require(spectator.messages("AGENT_JOIN").first?.sender)

            let taskId = try await Admin.postTask("Suggest one simple way to waste less food at home.", to: arena)
            let response = try await spectator.message("AGENT_RESPONSE", within: 90) { $0.sender == agentId }.payload
            #expect(response["taskId"]?.stringValue == taskId)
            let content = response["content"]?.stringValue ?? ""
            #expect(looksLikeEnglish(content), "the answer: \(content)")
            #expect(!content.hasPrefix("The model gave no answer"), "the answer: \(content)")
            #expect((response["durationMs"]?.numberValue ?? -1) > 0)
            // Its thought, in English too, came first.
            let thought = try #require(spectator.messages("AGENT_THOUGHT") { $0.sender == agentId }.first).payload
            #expect(thought["taskId"]?.stringValue == taskId)
            let thoughtText = thought["content"]?.stringValue ?? ""
            #expect(looksLikeEnglish(thoughtText), "the thought: \(thoughtText)")
            try await run.waitFor("responded in")
            #expect(run.stdout.contains("pragmatist: thinking…"), "\(run.stdout)")

            run.interrupt()
            #expect(try await run.exitStatus() == 0, "stderr: \(run.stderr)")
            try await run.waitFor("leaving the arena")
            try await spectator.message("AGENT_DISCONNECT") { $0.sender == agentId }
        }
    }
}

/// `mowai agent run` refusing what it cannot run, before it loads a model or joins an arena.
struct HeadlessRunErrorTests {
    @Test("a file that is not WebAssembly: status 1 and what is wrong")
    func notWebAssembly() async throws {
        let file = NSTemporaryDirectory() + "not-wasm-\(UUID().uuidString).wasm"
        try Data("#!/bin/sh\necho hello\n".utf8).write(to: URL(fileURLWithPath: file))
        defer { unlink(file) }
        let run = try MowaiProcess(["agent", "run", file, "--arena", "ws://127.0.0.1:9"])
        #expect(try await run.exitStatus() == 1)
        try await run.waitFor("not a WebAssembly module", onStandardError: true)
    }

    @Test("an unknown persona: a failure naming the personas there are")
    func unknownPersona() async throws {
        let run = try MowaiProcess(["agent", "run", "--persona", "nosuch", "--arena", "ws://127.0.0.1:9"])
        #expect(try await run.exitStatus() != 0)
        try await run.waitFor("nosuch", onStandardError: true)
        for persona in ["contrarian", "synthesiser", "first-principles", "devils-advocate", "pragmatist"] {
            try await run.waitFor(persona, onStandardError: true)
        }
    }
}

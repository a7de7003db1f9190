import ArenaProtocol
import EndToEndSupport
import Foundation
import Testing
import WAT

/// `mowai mob validate` and `mowai mob run`: the real binary, the committed agents, the stand-in model
/// (it answers at once with the start of its prompt).
struct MobRunTests {
    static let workshop = Repository.root + "/mobs/workshop.json"

    static func temporary(_ json: String) throws -> String {
        let path = NSTemporaryDirectory() + "mob-\(UUID().uuidString).json"
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The JSON envelopes a run printed, in order.
    static func envelopes(_ output: String) throws -> [JSONObject] {
        try output.split(separator: "\n").map { line in
            guard case .object(let object) = try JSONCodec.decodeObject(Array(line.utf8)) else { throw ArenaTestError("not an object: \(line)") }
            return object
        }
    }

    @Test("mob validate: the workshop is valid (exit 0); a broken definition lists every problem with its path (exit 1)")
    func validate() async throws {
        let valid = try MowaiProcess(["mob", "validate", Self.workshop])
        #expect(try await valid.exitStatus() == 0)
        try await valid.waitFor("mob workshop is valid: 5 profiles, 5 members, flows debate; on_task debate")

        let file = try Self.temporary(#"{"id": "x", "profiles": {"a": {"persona": "nobody"}}, "members": [{"profile": "b", "id": "m"}],"#
                                      + #" "flows": {"f": {"steps": {"s": {"role": "a", "message": "{{steps.t.output}}", "depends_on": ["t"]}, "t": {"role": "a", "message": "x", "depends_on": ["s"]}}}}}"#)
        defer { unlink(file) }
        let broken = try MowaiProcess(["mob", "validate", file])
        #expect(try await broken.exitStatus() == 1)
        for problem in ["$.profiles.a.persona: unknown persona \"nobody\"", "$.members[0].profile: unknown profile \"b\" (profiles: a)",
                        "$.flows.f.steps: the steps s → t → s form a cycle"] {
            try await broken.waitFor(problem, onStandardError: true)
        }
        let missing = try MowaiProcess(["mob", "validate", "/nonexistent/mob.json"])
        #expect(try await missing.exitStatus() == 1)
        try await missing.waitFor("/nonexistent/mob.json does not exist", onStandardError: true)
    }

    @Test("mob run with a hosted model: every member asks the OpenAI-compatible server, and the flow completes")
    func hostedModel() async throws {
        let server = try ScriptedHTTPServer()
        let run = try MowaiProcess(["mob", "run", Self.workshop, "--flow", "debate", "--param", "task=Plan a picnic", "--json",
                                    "--model", "openai:echo@\(server.baseURL)/v1"])
        #expect(try await run.exitStatus(within: 60) == 0, "stderr: \(run.stderr)")
        let types = try Self.envelopes(run.stdout).compactMap { $0["payload"]?["type"]?.stringValue }
        #expect(types.contains("flow_completed") && !types.contains("flow_failed"))
        // Four personas, then the synthesiser: each asks at least once.
        #expect(server.output.components(separatedBy: "request /v1/chat/completions").count - 1 >= 5, "\(server.output)")
    }

    @Test("mob run --flow debate --json: one envelope per line, seq from 1 per source, the flow's events in order, exit 0")
    func debateAsJSON() async throws {
        let run = try MowaiProcess(["mob", "run", Self.workshop, "--flow", "debate", "--param", "task=Plan a picnic", "--json", "--model", "stand-in"])
        #expect(try await run.exitStatus(within: 60) == 0, "stderr: \(run.stderr)")
        try await run.waitFor("member_retired")
        let events = try Self.envelopes(run.stdout)
        #expect(events.allSatisfy { Set($0.keys) == ["event_id", "source", "seq", "mob_id", "timestamp_ms", "payload"] })
        var lastSeq: [String: Double] = [:]
        for event in events {
            let source = try #require(event["source"]?.stringValue)
            let seq = try #require(event["seq"]?.numberValue)
            #expect(seq == (lastSeq[source] ?? 0) + 1, "seq of \(source)")
            lastSeq[source] = seq
        }
        let types = events.compactMap { $0["payload"]?["type"]?.stringValue }
        #expect(types.filter { $0 == "member_spawned" }.count == 5)
        let flow = types.filter { $0.hasPrefix("flow_") }
        #expect(flow == ["flow_started", "flow_completed"])
        #expect(types.firstIndex(of: "flow_started")! < types.firstIndex(of: "step_dispatched")!)
        for type in ["run_started", "turn_started", "text_delta", "text_complete", "turn_completed", "run_completed", "step_completed"] {
            #expect(types.contains(type), "no \(type)")
        }
        let completed = try #require(events.first { $0["payload"]?["type"] == "flow_completed" }?["payload"])
        #expect(completed["output"]?.stringValue?.contains("Four colleagues answered.") == true)
        let usage = try #require(events.first { $0["payload"]?["type"] == "turn_completed" }?["payload"]?["usage"])
        #expect(usage["input_tokens"] != nil && usage["output_tokens"] != nil)
        // The synthesis step went to the synthesiser, after the four.
        let dispatched = events.filter { $0["payload"]?["type"] == "step_dispatched" }.compactMap { $0["payload"]?["target"]?.stringValue }
        #expect(dispatched.last == "synthesiser" && dispatched.count == 5)
    }

    @Test("mob run --flow: a member that traps mid-flow fails its step; the flow fails and the run exits 1, saying why")
    func failingFlow() async throws {
        let agent = NSTemporaryDirectory() + "trapping-\(UUID().uuidString).wasm"
        try Data(try wat2wasm(ResilienceTests.trappingAgent)).write(to: URL(fileURLWithPath: agent))
        defer { unlink(agent) }
        let file = try Self.temporary("""
        {"id": "fragile", "profiles": {"a": {"persona": "pragmatist", "agent": "\(agent)"}},
         "members": [{"profile": "a", "id": "only"}],
         "flows": {"f": {"steps": {"s": {"role": "a", "message": "{{params.q}}"}}}}}
        """)
        defer { unlink(file) }
        let run = try MowaiProcess(["mob", "run", file, "--flow", "f", "--param", "q=hello", "--model", "stand-in"])
        #expect(try await run.exitStatus(within: 30) == 1)
        try await run.waitFor("flow f failed: step s failed: only: member only failed:")
        try await run.waitFor("unreachable")
    }

    @Test("mob run: an unknown flow, a missing param, a bad --param: worded errors, exit 1")
    func refusals() async throws {
        let unknown = try MowaiProcess(["mob", "run", Self.workshop, "--flow", "nope", "--model", "stand-in"])
        #expect(try await unknown.exitStatus() == 1)
        try await unknown.waitFor("mob workshop has no flow nope (flows: debate)", onStandardError: true)
        let missing = try MowaiProcess(["mob", "run", Self.workshop, "--flow", "debate", "--model", "stand-in"])
        #expect(try await missing.exitStatus() == 1)
        try await missing.waitFor("flow debate needs task=…", onStandardError: true)
        let bad = try MowaiProcess(["mob", "run", Self.workshop, "--flow", "debate", "--param", "task", "--model", "stand-in"])
        #expect(try await bad.exitStatus() != 0)
        try await bad.waitFor("--param takes KEY=VALUE (got task)", onStandardError: true)
    }

    @Test("mob run --arena: the members join as participants, the on_task flow runs on an arena task, the synthesiser answers it")
    func inAnArena() async throws {
        let arena = try Admin.arena()
        defer { arena.terminate() }
        let spectator = try await WireClient.spectator(arena.webSocketURL)
        defer { spectator.close() }
        let run = try MowaiProcess(["mob", "run", Self.workshop, "--arena", arena.webSocketURL, "--model", "stand-in"])
        defer { run.interrupt() }
        _ = try await eventually(within: 20) { spectator.messages("AGENT_JOIN").count >= 5 }
        #expect(Set(spectator.messages("AGENT_JOIN").compactMap { $0.payload["name"]?.stringValue })
            == ["contrarian", "first-principles", "devils-advocate", "pragmatist", "synthesiser"])
        let taskId = try await Admin.postTask("Plan a picnic", to: arena)
        let response = try await spectator.message("AGENT_RESPONSE", within: 30)
        #expect(response.payload["taskId"]?.stringValue == taskId)
        #expect(response.payload["content"]?.stringValue?.contains("Four colleagues answered.") == true)
        let synthesiser = spectator.messages("AGENT_JOIN").first { $0.payload["name"]?.stringValue == "synthesiser" }?.sender
        #expect(response.sender == synthesiser)
        // The four answers were posted as the members' thoughts first.
        #expect(spectator.messages("AGENT_THOUGHT") { $0.payload["taskId"]?.stringValue == taskId }.count >= 4)
        run.interrupt()
        #expect(try await run.exitStatus() == 0)
    }
}

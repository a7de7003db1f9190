import Agents
import ArenaProtocol
import Foundation
import Mob
import MobRuntime
import Synchronization
import Testing

/// The runtime with real Wasm agents (the shipped default agent) on the stand-in model.
struct MobRuntimeTests {
    static let personas: Set<String> = ["contrarian", "synthesiser", "first-principles", "devils-advocate", "pragmatist"]

    static func workshop(id: String = "workshop") throws -> MobDefinition {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var text = try String(contentsOf: root.appendingPathComponent("mobs/workshop.json"), encoding: .utf8)
        text = text.replacingOccurrences(of: "\"id\": \"workshop\"", with: "\"id\": \"\(id)\"")
        return try #require(MobDefinition.parse(Array(text.utf8), personas: personas).definition)
    }

    static func runtime() -> MobRuntime { MobRuntime.withDefaultAgent(on: StandInLLM(echoesPrompt: true)) }

    static func waitUntil(_ seconds: Double = 10, _ condition: () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            guard Date() < deadline else { throw MobRuntimeTestError("the condition did not hold within \(seconds) s") }
            try await Task.sleep(nanoseconds: 2_000_000)
        }
    }

    @Test("a subscriber that never reads gets stream_truncated and costs the mob nothing: the flow completes anyway")
    func slowReader() async throws {
        let runtime = Self.runtime()
        defer { runtime.shutdown() }
        let slow = runtime.subscribe(mob: "workshop", capacity: 8)
        let member = runtime.subscribe(mob: "workshop", member: "pragmatist")
        try runtime.add(try Self.workshop())
        let runId = try runtime.startFlow("debate", params: ["task": "Plan a picnic"], on: "workshop")
        try await Self.waitUntil { runtime.snapshot(of: "workshop")?.flowRuns[runId]?.status == .completed }

        var received: [MobEvent] = []
        for _ in 0..<9 { if let event = await slow.next() { received.append(event) } }
        #expect(received.prefix(8).map(\.payload.type).allSatisfy { $0 != "stream_truncated" })
        guard case .streamTruncated(_, let dropped) = received.last?.payload else { Issue.record("no truncation: \(received.map(\.payload.type))"); return }
        #expect(dropped > 20)

        // The member's own subscription kept everything about that member, and only that.
        var own: [MobEvent] = []
        while own.last?.payload.type != "run_completed" { if let event = await member.next() { own.append(event) } }
        #expect(own.allSatisfy { $0.source == "pragmatist" })
        #expect(own.map(\.seq) == Array(1...own.count))

        slow.close()
        slow.close()
        #expect(await slow.next() == nil)
    }

    @Test("members of two mobs, wired across: a thought of one reaches the other")
    func crossMob() async throws {
        let runtime = Self.runtime()
        defer { runtime.shutdown() }
        try runtime.add(try Self.workshop(id: "north"))
        try runtime.add(try Self.workshop(id: "south"))
        #expect(try runtime.wireAcross(MemberRef(mob: "north", member: "pragmatist"), MemberRef(mob: "south", member: "contrarian"))
            == "wired north/pragmatist and south/contrarian")
        let north = runtime.subscribe(mob: "north", member: "pragmatist")
        try runtime.perform(.send(member: "pragmatist", content: "Propose an alliance.", mode: .queue), on: "north")
        var deliveredTo: [String] = []
        while deliveredTo.isEmpty {
            guard let event = await north.next() else { break }
            if case .memberThought(_, _, let peers) = event.payload { deliveredTo = peers }
        }
        #expect(deliveredTo.contains("south/contrarian"))
        #expect(throws: MobRuntimeError.unknownMob("east", known: ["north", "south"])) {
            try runtime.wireAcross(MemberRef(mob: "north", member: "pragmatist"), MemberRef(mob: "east", member: "x"))
        }
        #expect(runtime.snapshot(of: "north")?.members["pragmatist"]?.externalPeers == [MemberRef(mob: "south", member: "contrarian")],
                "a failed cross wiring leaves nothing half made")
    }

    @Test("send, steer and retire through the runtime say what happened; unknown members are named")
    func commands() async throws {
        let runtime = Self.runtime()
        defer { runtime.shutdown() }
        try runtime.add(try Self.workshop())
        #expect(try runtime.perform(.send(member: "pragmatist", content: "Hello", mode: .queue), on: "workshop").hasPrefix("queued workshop-run-1 for pragmatist"))
        #expect(throws: MobRuntimeError.mob(.unknownMember("nobody", known: ["contrarian", "first-principles", "devils-advocate", "pragmatist", "synthesiser"]))) {
            try runtime.perform(.send(member: "nobody", content: "Hi", mode: .steer), on: "workshop")
        }
        #expect(try runtime.perform(.retire("contrarian"), on: "workshop") == "retiring contrarian")
        try await Self.waitUntil { runtime.snapshot(of: "workshop")?.members["contrarian"]?.status == .retired }
    }
}

struct MobRuntimeTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

struct BuiltInMobTests {
    @Test("the mobs embedded in the binary are mobs/*.json byte for byte, and valid")
    func embeddedCopies() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("mobs")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        // If this fails, run `python3 scripts/embed-assets.py` (or `make agents`) and rebuild.
        #expect(BuiltInMobs.names == files.map { String($0.dropLast(5)) })
        for file in files {
            let name = String(file.dropLast(5))
            #expect(BuiltInMobs.bytes(named: name) == Array(try Data(contentsOf: folder.appendingPathComponent(file))))
            #expect(MobDefinition.parse(BuiltInMobs.bytes(named: name) ?? [], personas: MobRuntimeTests.personas).definition != nil)
        }
    }
}

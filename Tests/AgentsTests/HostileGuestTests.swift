import Agents
import Foundation
import Inference
import Testing

/// Agents that break the ABI or the sandbox on purpose. Each must end as `.failed` with a reason that
/// says what was wrong, while the host (this test process) and a well-behaved neighbour carry on.
@Suite struct HostileGuestTests {
    static let taskId = "0d8f5a5e-4c1b-4e4e-9a55-6f5d3c2b1a00"
    static let answer = "Ship the smallest version first."

    /// Runs `wat` beside a well-behaved agent, gives both a task, and returns why the hostile one
    /// failed; the neighbour must still answer.
    static func failure(of wat: String, limits: SandboxLimits = SandboxLimits(), task: String = "How do we launch?",
                        sourceLocation: SourceLocation = #_sourceLocation) async throws -> String? {
        let hostile = EventRecorder()
        let agent = LocalAgent(binary: try AgentFixtures.binary(wat), config: AgentFixtures.config, llm: ScriptedLLM(),
                               limits: limits, events: hostile.sink)
        let neighbourEvents = EventRecorder()
        let neighbour = LocalAgent(binary: try AgentFixtures.binary(AgentFixtures.wat()), config: AgentFixtures.config,
                                   llm: ScriptedLLM(), events: neighbourEvents.sink)
        defer {
            agent.stop()
            neighbour.stop()
        }
        agent.start()
        neighbour.start()
        agent.submitTask(taskId: taskId, description: task)
        neighbour.submitTask(taskId: taskId, description: task)
        let reason = await hostile.failure()
        #expect(await neighbourEvents.response() == answer, "the neighbour stopped answering", sourceLocation: sourceLocation)
        // A failed agent says nothing more, and never claims an answer.
        #expect(hostile.all.last.map { if case .failed = $0 { return true }; return false } == true, sourceLocation: sourceLocation)
        #expect(!hostile.all.contains { if case .responded = $0 { return true }; return false }, sourceLocation: sourceLocation)
        return reason
    }

    // MARK: Pointers

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let wat: String
        let reason: String
        var testDescription: String { name }

        init(_ name: String, wat: String, reason: String) {
            self.name = name
            self.wat = wat
            self.reason = reason
        }

        init(_ name: String, handleTask: String, reason: String) {
            self.name = name
            wat = AgentFixtures.wat(handleTask: handleTask)
            self.reason = reason
        }

        init(_ name: String, getInfo: String, reason: String) {
            self.name = name
            wat = AgentFixtures.wat(getInfo: getInfo)
            self.reason = reason
        }
    }

    static let outOfBounds: [Case] = [
        Case("host-llm prompt", handleTask: "(call $llm (i32.const -16) (i32.const 32) (i32.const 64)) (i32.const 64)",
             reason: "handle-task failed: the agent passed an out-of-bounds prompt (32 bytes at 4294967280, memory is 65536 bytes)"),
        Case("host-llm result area past the end", handleTask: "(call $llm (local.get 0) (local.get 1) (i32.const 65532)) (i32.const 64)",
             reason: "handle-task failed: the agent gave an out-of-bounds host-llm result area (8 bytes at 65532)"),
        Case("host-llm result area misaligned", handleTask: "(call $llm (local.get 0) (local.get 1) (i32.const 66)) (i32.const 64)",
             reason: "handle-task failed: the agent gave a misaligned host-llm result area (66)"),
        Case("broadcast message", handleTask: "(call $broadcast (i32.const 65530) (i32.const 10)) (i32.const 64)",
             reason: "handle-task failed: the agent passed an out-of-bounds broadcast message (10 bytes at 65530, memory is 65536 bytes)"),
        Case("log level", handleTask: "(call $log (i32.const 70000) (i32.const 4) (i32.const 32) (i32.const 5)) (i32.const 64)",
             reason: "handle-task failed: the agent passed an out-of-bounds log level (4 bytes at 70000, memory is 65536 bytes)"),
        Case("log message", handleTask: "(call $log (i32.const 16) (i32.const 4) (i32.const 65535) (i32.const 2)) (i32.const 64)",
             reason: "handle-task failed: the agent passed an out-of-bounds log message (2 bytes at 65535, memory is 65536 bytes)"),
        Case("get-config result area past the end", handleTask: "(call $config (i32.const 65520)) (i32.const 64)",
             reason: "handle-task failed: the agent gave an out-of-bounds get-config result area (24 bytes at 65520)"),
        Case("get-config result area misaligned", handleTask: "(call $config (i32.const 82)) (i32.const 64)",
             reason: "handle-task failed: the agent gave a misaligned get-config result area (82)"),
        Case("handle-task result area past the end", handleTask: "(i32.const 65536)",
             reason: "handle-task failed: the agent returned an out-of-bounds handle-task result (65536)"),
        Case("handle-task result area misaligned", handleTask: "(i32.const 65533)",
             reason: "handle-task failed: the agent returned a misaligned handle-task result (65533)"),
        Case("handle-task result string", handleTask: """
             (i32.store (i32.const 64) (i32.const 65000)) (i32.store (i32.const 68) (i32.const 1000)) (i32.const 64)
             """,
             reason: "handle-task failed: the agent passed an out-of-bounds handle-task result (1000 bytes at 65000, memory is 65536 bytes)"),
        Case("get-info result area", getInfo: "(i32.const 65532)",
             reason: "get-info failed: the agent returned an out-of-bounds get-info result (65532)"),
        Case("get-info string", getInfo: """
             (i32.store (i32.const 160) (i32.const 0x10000000)) (i32.store (i32.const 164) (i32.const 4)) (i32.const 160)
             """,
             reason: "get-info failed: the agent passed an out-of-bounds get-info string (4 bytes at 268435456, memory is 65536 bytes)"),
    ]

    @Test(arguments: outOfBounds)
    func outOfBoundsPointersFailOnlyThatAgent(_ hostile: Case) async throws {
        #expect(try await Self.failure(of: hostile.wat) == hostile.reason)
    }

    // MARK: Lengths

    static let hugeLengths: [Case] = [
        Case("broadcast of 0xFFFFFFFF bytes", handleTask: "(call $broadcast (i32.const 16) (i32.const -1)) (i32.const 64)",
             reason: "handle-task failed: the agent passed a broadcast message of 4294967295 bytes (the limit is 1048576)"),
        Case("broadcast of 0xFFFFFFF0 bytes at 16", handleTask: "(call $broadcast (i32.const 16) (i32.const -16)) (i32.const 64)",
             reason: "handle-task failed: the agent passed a broadcast message of 4294967280 bytes (the limit is 1048576)"),
        Case("prompt of 0xFFFFFFF0 bytes", handleTask: "(call $llm (i32.const 16) (i32.const -16) (i32.const 64)) (i32.const 64)",
             reason: "handle-task failed: the agent passed a prompt of 4294967280 bytes (the limit is 1048576)"),
        Case("result of 0xFFFFFFFF bytes", handleTask: "(i32.store (i32.const 64) (i32.const 16)) (i32.store (i32.const 68) (i32.const -1)) (i32.const 64)",
             reason: "handle-task failed: the agent passed a handle-task result of 4294967295 bytes (the limit is 1048576)"),
    ]

    @Test(arguments: hugeLengths)
    func lengthsNearFourGiBAreRefusedBeforeAnyCopy(_ hostile: Case) async throws {
        let began = Date()
        #expect(try await Self.failure(of: hostile.wat) == hostile.reason)
        #expect(Date().timeIntervalSince(began) < 5)
    }

    /// With the length limit lifted, 16 + 0xFFFFFFF0 wraps to 0 in 32 bits: the bounds check must not.
    @Test func aPointerPlusLengthThatWrapsIsOutOfBounds() async throws {
        var limits = SandboxLimits()
        limits.maxStringBytes = .max
        let wat = AgentFixtures.wat(handleTask: "(call $broadcast (i32.const 16) (i32.const -16)) (i32.const 64)")
        #expect(try await Self.failure(of: wat, limits: limits)
            == "handle-task failed: the agent passed an out-of-bounds broadcast message (4294967280 bytes at 16, memory is 65536 bytes)")
    }

    // MARK: UTF-8

    @Test func invalidUTF8IsRepairedWithOneWarningPerCall() async throws {
        // "ok " then two bytes that are never valid UTF-8, broadcast twice, logged and returned.
        let wat = AgentFixtures.wat(handleTask: """
            (call $broadcast (i32.const 200) (i32.const 5))
            (call $log (i32.const 16) (i32.const 4) (i32.const 200) (i32.const 5))
            (call $broadcast (i32.const 200) (i32.const 5))
            (i32.store (i32.const 64) (i32.const 200))
            (i32.store (i32.const 68) (i32.const 5))
            (i32.const 64)
            """, extra: #"(data (i32.const 200) "ok \ff\fe")"#)
        let (agent, events) = try AgentHostTests.start(wat)
        defer { agent.stop() }
        let repaired = "ok \u{FFFD}\u{FFFD}"
        agent.submitTask(taskId: Self.taskId, description: "anything")
        #expect(await events.response() == repaired)
        #expect(events.all.filter { $0 == .broadcast(taskId: Self.taskId, content: repaired) }.count == 2)
        #expect(events.all.contains(.log(.info, repaired)))
        #expect(Self.warnings(in: events).count == 1)
        #expect(Self.warnings(in: events).first?.contains("invalid UTF-8") == true)

        let second = "0d8f5a5e-4c1b-4e4e-9a55-6f5d3c2b1a01"
        agent.submitTask(taskId: second, description: "again")
        #expect(await events.wait { if case .responded(second, _, _) = $0 { return true }; return false } != nil)
        #expect(Self.warnings(in: events).count == 2)
        #expect(!events.all.contains { if case .failed = $0 { return true }; return false })
    }

    static func warnings(in events: EventRecorder) -> [String] {
        events.all.compactMap { if case .warning(let text) = $0 { return text }; return nil }
    }

    // MARK: Fuel and deadlines

    @Test func anEndlessLoopRunsOutOfFuel() async throws {
        var limits = SandboxLimits()
        limits.fuelPerCall = 2_000_000
        let began = Date()
        let reason = try await Self.failure(of: AgentFixtures.wat(handleTask: "(loop $spin (br $spin)) (i32.const 0)"), limits: limits)
        #expect(reason == "handle-task failed: ran out of fuel (2000000 Wasm operators in one call: an endless loop?)")
        #expect(Date().timeIntervalSince(began) < 5)
    }

    @Test func fuelIsPerCallNotPerAgent() async throws {
        // Each task burns about 1 000 000 operators (200 000 turns of a five-operator loop): within the
        // budget of one call, over it for three.
        var limits = SandboxLimits()
        limits.fuelPerCall = 2_000_000
        let wat = AgentFixtures.wat(handleTask: """
            (local $n i32)
            (local.set $n (i32.const 200000))
            (loop $count (br_if $count (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
            (call $llm (local.get 0) (local.get 1) (i32.const 64))
            (i32.const 64)
            """)
        let (agent, events) = try AgentHostTests.start(wat, limits: limits)
        defer { agent.stop() }
        for index in 0..<3 {
            let id = "0d8f5a5e-4c1b-4e4e-9a55-6f5d3c2b1a0\(index)"
            agent.submitTask(taskId: id, description: "task \(index)")
            #expect(await events.wait { if case .responded(id, _, _) = $0 { return true }; return $0.isFailure } != nil)
        }
        #expect(!events.all.contains { $0.isFailure })
    }

    @Test func aLoopInTheStartFunctionFailsInstantiation() async throws {
        var limits = SandboxLimits()
        limits.fuelPerCall = 2_000_000
        let wat = AgentFixtures.wat(extra: "(func $spin (loop $forever (br $forever))) (start $spin)")
        let (agent, events) = try AgentHostTests.start(wat, limits: limits)
        defer { agent.stop() }
        let reason = try #require(await events.failure())
        #expect(reason.contains("start function"))
        #expect(reason.contains("ran out of fuel"))
        #expect(!events.all.contains { if case .started = $0 { return true }; return false })
    }

    @Test func aStartFunctionMayNotCallTheHost() async throws {
        let wat = AgentFixtures.wat(extra: "(func $early (drop (call $now))) (start $early)")
        let (agent, events) = try AgentHostTests.start(wat)
        defer { agent.stop() }
        let reason = try #require(await events.failure())
        #expect(reason.contains("called an import while being instantiated"))
    }

    @Test func aLoopThatKeepsCallingTheHostMeetsItsDeadline() async throws {
        var limits = SandboxLimits()
        limits.fuelPerCall = .max
        limits.taskDeadlineMs = 200
        let began = Date()
        let reason = try await Self.failure(of: AgentFixtures.wat(handleTask: "(loop $poll (drop (call $now)) (br $poll)) (i32.const 0)"),
                                            limits: limits)
        #expect(reason == "handle-task failed: handle-task ran past its deadline")
        #expect(Date().timeIntervalSince(began) < 5)
    }

    @Test func setupHasItsOwnDeadline() async throws {
        var limits = SandboxLimits()
        limits.fuelPerCall = .max
        limits.setupDeadlineMs = 100
        let (agent, events) = try AgentHostTests.start(AgentFixtures.wat(onInit: "(loop $poll (drop (call $now)) (br $poll))"), limits: limits)
        defer { agent.stop() }
        #expect(await events.failure() == "on-init failed: on-init ran past its deadline")
    }

    @Test func aPeerThoughtHasItsOwnDeadline() async throws {
        var limits = SandboxLimits()
        limits.fuelPerCall = .max
        limits.peerThoughtDeadlineMs = 100
        let (agent, events) = try AgentHostTests.start(AgentFixtures.wat(onPeerThought: "(loop $poll (drop (call $now)) (br $poll))"),
                                                      limits: limits)
        defer { agent.stop() }
        agent.deliverPeerThought(peerId: "peer", taskId: Self.taskId, thought: "hmm")
        #expect(await events.failure() == "on-peer-thought failed: on-peer-thought ran past its deadline")
    }

    /// The model keeps going past the task's deadline: host-llm ends the call instead of waiting for it.
    @Test func aModelCallPastTheDeadlineEndsTheTask() async throws {
        var limits = SandboxLimits()
        limits.taskDeadlineMs = 200
        let (agent, events) = try AgentHostTests.start(AgentFixtures.wat(), llm: ScriptedLLM(delayPerWordMs: 150), limits: limits)
        defer { agent.stop() }
        agent.submitTask(taskId: Self.taskId, description: "anything")
        #expect(await events.failure() == "handle-task failed: handle-task ran past its deadline while the model was generating")
    }

    // MARK: Memory

    /// Grows one page at a time until `memory.grow` says no, then answers with the page count.
    static let memoryBomb = AgentFixtures.wat(handleTask: """
        (local $n i32) (local $p i32)
        (block $full (loop $grow
          (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
          (br $grow)))
        (if (i32.ne (memory.grow (i32.const 0x10000)) (i32.const -1)) (then unreachable))
        (local.set $n (memory.size))
        (local.set $p (i32.const 310))
        (loop $digit
          (local.set $p (i32.sub (local.get $p) (i32.const 1)))
          (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
          (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
          (br_if $digit (local.get $n)))
        (i32.store (i32.const 64) (local.get $p))
        (i32.store (i32.const 68) (i32.sub (i32.const 310) (local.get $p)))
        (i32.const 64)
        """)

    @Test func aMemoryBombStopsAtTheCap() async throws {
        var limits = SandboxLimits()
        limits.memoryBytes = 4 << 20
        let (agent, events) = try AgentHostTests.start(Self.memoryBomb, limits: limits)
        defer { agent.stop() }
        agent.submitTask(taskId: Self.taskId, description: "grow")
        // 4 MiB is 64 pages of 64 KiB.
        #expect(await events.response() == "64")
    }

    @Test func aModuleWhoseMemoryStartsOverTheCapIsRefused() async throws {
        var limits = SandboxLimits()
        limits.memoryBytes = 4 << 20
        let (agent, events) = try AgentHostTests.start(AgentFixtures.wat(memoryPages: 128), limits: limits)
        defer { agent.stop() }
        let reason = try #require(await events.failure())
        #expect(reason == AgentLoadError.memoryLimit(initialBytes: 8 << 20, limitBytes: 4 << 20).description)
        #expect(reason.contains("8 MiB"))
        #expect(reason.contains("4 MiB"))
    }

    // MARK: Traps

    static let traps: [Case] = [
        Case("on-init", wat: AgentFixtures.wat(onInit: "unreachable"), reason: "on-init failed: trapped: unreachable"),
        Case("get-info", wat: AgentFixtures.wat(getInfo: "unreachable"), reason: "get-info failed: trapped: unreachable"),
        Case("handle-task", wat: AgentFixtures.wat(handleTask: "unreachable"), reason: "handle-task failed: trapped: unreachable"),
        Case("on-peer-thought", wat: AgentFixtures.wat(onPeerThought: "unreachable"), reason: "on-peer-thought failed: trapped: unreachable"),
        Case("a load past the end of memory", handleTask: "(i32.load (i32.const 70000))",
             reason: "handle-task failed: trapped: out of bounds memory access"),
        Case("a division by zero", handleTask: "(i32.div_u (i32.const 1) (i32.const 0))",
             reason: "handle-task failed: trapped: integer divide by zero"),
        Case("endless recursion", wat: AgentFixtures.wat(handleTask: "(call $deep)", extra: "(func $deep (result i32) (call $deep))"),
             reason: "handle-task failed: trapped: call stack exhausted"),
    ]

    @Test(arguments: traps)
    func aTrapInAnyExportFailsTheAgent(_ trapping: Case) async throws {
        let (agent, events) = try AgentHostTests.start(trapping.wat)
        defer { agent.stop() }
        agent.deliverPeerThought(peerId: "peer", taskId: Self.taskId, thought: "hmm")
        agent.submitTask(taskId: Self.taskId, description: "anything")
        #expect(await events.failure() == trapping.reason)
        #expect(events.all.filter(\.isFailure).count == 1)
    }

    @Test func aTrapInCabiReallocIsNamed() async throws {
        // The fixture's allocator traps when memory.grow refuses: a task bigger than the agent's
        // one page makes it do so while the host lowers the description.
        var limits = SandboxLimits()
        limits.memoryBytes = 1 << 16
        let reason = try await Self.failure(of: AgentFixtures.wat(), limits: limits, task: String(repeating: "x", count: 70_000))
        #expect(reason == "handle-task failed: the agent failed in cabi_realloc (asked for 70000 bytes): trapped: unreachable")
    }

    @Test func cabiReallocReturningGarbageFailsTheCall() async throws {
        // get-info never asks for config, so the first realloc is the host lowering the task.
        let wat = AgentFixtures.wat(getInfo: "(i32.const 160)")
            .replacingOccurrences(of: "(local.get $p))\n", with: "(drop (local.get $p)) (i32.const 0x7FFFFFF0))\n")
        #expect(wat.contains("0x7FFFFFF0"))
        #expect(try await Self.failure(of: wat)
            == "handle-task failed: the agent gave an out-of-bounds cabi_realloc block (17 bytes at 2147483632)")
    }

    @Test func aGuestThatCallsProcExitFailsWithoutTakingTheHost() async throws {
        let wat = AgentFixtures.wat(handleTask: "(call $exit (i32.const 3)) (i32.const 64)",
                                    imports: #"(import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))"#)
        #expect(try await Self.failure(of: wat) == "handle-task failed: exited with code 3 (proc_exit): an agent returns from its exports instead")
    }

    // MARK: Floods

    @Test func aFloodOfPeerThoughtsDropsTheOldest() async throws {
        let events = EventRecorder()
        let agent = LocalAgent(binary: try AgentFixtures.binary(AgentFixtures.wat()), config: AgentFixtures.config, llm: ScriptedLLM(),
                               events: events.sink)
        defer { agent.stop() }
        // Queued before the agent runs, so the queue is full before it takes the first.
        for index in 0..<40 { agent.deliverPeerThought(peerId: "peer", taskId: Self.taskId, thought: "thought \(index)") }
        agent.start()
        #expect(await events.wait { $0 == .log(.info, "thought 39") } != nil)
        #expect(events.all.contains(.warning("8 peer thoughts were dropped: they arrived faster than the agent took them")))
        #expect(!events.all.contains(.log(.info, "thought 7")))
        #expect(events.all.contains(.log(.info, "thought 8")))
    }

    @Test func aGuestFloodingStdoutNeverBlocksItsThread() async throws {
        // Ten writes of 100 000 bytes into a pipe that holds 64 KiB: fd_write must come back each time.
        let wat = AgentFixtures.wat(handleTask: """
            (local $n i32)
            (i32.store (i32.const 400) (i32.const 65536))
            (i32.store (i32.const 404) (i32.const 100000))
            (local.set $n (i32.const 10))
            (loop $write
              (drop (call $fdWrite (i32.const 1) (i32.const 400) (i32.const 1) (i32.const 420)))
              (br_if $write (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
            (i32.store (i32.const 64) (i32.const 32))
            (i32.store (i32.const 68) (i32.const 5))
            (i32.const 64)
            """, memoryPages: 3,
            imports: #"(import "wasi_snapshot_preview1" "fd_write" (func $fdWrite (param i32 i32 i32 i32) (result i32)))"#)
        let (agent, events) = try AgentHostTests.start(wat)
        defer { agent.stop() }
        agent.submitTask(taskId: Self.taskId, description: "shout")
        #expect(await events.response(seconds: 5) == "ready")
        #expect(events.all.contains { if case .output = $0 { return true }; return false })
    }

    // MARK: Many at once

    @Test func oneTrappingAgentAmongEightLeavesTheOthersAnswering() async throws {
        let trapping = 3
        var agents: [(LocalAgent, EventRecorder)] = []
        for index in 0..<8 {
            let wat = index == trapping ? AgentFixtures.wat(handleTask: "unreachable") : AgentFixtures.wat()
            agents.append(try AgentHostTests.start(wat, llm: ScriptedLLM(delayPerWordMs: 2) { _ in "answer \(index)" }))
        }
        defer { for (agent, _) in agents { agent.stop() } }
        for (agent, _) in agents { agent.submitTask(taskId: Self.taskId, description: "all at once") }
        for (index, (_, events)) in agents.enumerated() {
            if index == trapping {
                #expect(await events.failure() == "handle-task failed: trapped: unreachable")
            } else {
                #expect(await events.response() == "answer \(index)")
            }
        }
    }
}

extension AgentEvent {
    var isFailure: Bool {
        if case .failed = self { return true }
        return false
    }
}

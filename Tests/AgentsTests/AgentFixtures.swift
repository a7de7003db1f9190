import Agents
import Foundation
import Inference
import Synchronization
import WAT
import LLMInterface

/// Agents written in WAT and assembled in-process, so the ABI tests need no Wasm toolchain.
enum AgentFixtures {
    /// A well-behaved agent: handle-task asks host-llm with the task text, broadcasts the answer and
    /// returns it; on-peer-thought logs the thought. Any export's body can be replaced.
    static func wat(handleTask: String? = nil, onInit: String? = nil, getInfo: String? = nil,
                    onPeerThought: String? = nil, memoryPages: Int = 1, extra: String = "", imports: String = "") -> String {
        """
        (module
          (import "$root" "host-llm" (func $llm (param i32 i32 i32)))
          (import "$root" "broadcast" (func $broadcast (param i32 i32)))
          (import "$root" "log" (func $log (param i32 i32 i32 i32)))
          (import "$root" "get-config" (func $config (param i32)))
          (import "$root" "now-ms" (func $now (result i64)))
          \(imports)
          (memory (export "memory") \(memoryPages))
          (global $heap (mut i32) (i32.const 4096))
          (data (i32.const 16) "info")
          (data (i32.const 32) "ready")
          (data (i32.const 48) "1.0.0")
          (func $alloc (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
            (local $p i32)
            (local.set $p (i32.and (i32.add (global.get $heap) (i32.const 7)) (i32.const -8)))
            (global.set $heap (i32.add (local.get $p) (local.get 3)))
            (block $fits
              (br_if $fits (i32.le_u (global.get $heap) (i32.mul (memory.size) (i32.const 65536))))
              (if (i32.eq (memory.grow (i32.add (i32.div_u (global.get $heap) (i32.const 65536)) (i32.const 1))) (i32.const -1))
                (then unreachable)))
            (local.get $p))
          (func (export "on-init")
            \(onInit ?? "(call $log (i32.const 16) (i32.const 4) (i32.const 32) (i32.const 5))"))
          (func (export "get-info") (result i32)
            \(getInfo ?? """
            (call $config (i32.const 80))
            (i32.store (i32.const 160) (i32.load (i32.const 80)))
            (i32.store (i32.const 164) (i32.load (i32.const 84)))
            (i32.store (i32.const 168) (i32.const 48))
            (i32.store (i32.const 172) (i32.const 5))
            (i32.store (i32.const 176) (i32.load (i32.const 88)))
            (i32.store (i32.const 180) (i32.load (i32.const 92)))
            (i32.store (i32.const 184) (i32.load (i32.const 96)))
            (i32.store (i32.const 188) (i32.load (i32.const 100)))
            (i32.const 160)
            """))
          (func (export "handle-task") (param i32 i32) (result i32)
            \(handleTask ?? """
            (call $llm (local.get 0) (local.get 1) (i32.const 64))
            (call $broadcast (i32.load (i32.const 64)) (i32.load (i32.const 68)))
            (i32.const 64)
            """))
          (func (export "on-peer-thought") (param i32 i32 i32 i32)
            \(onPeerThought ?? "(call $log (i32.const 16) (i32.const 4) (local.get 2) (local.get 3))"))
          \(extra)
        )
        """
    }

    static func binary(_ text: String, limits: SandboxLimits = SandboxLimits()) throws -> AgentBinary {
        try AgentBinary(bytes: try wat2wasm(text), origin: "fixture")
    }

    static let config = AgentConfig(name: "tester", color: "#123456", persona: "pragmatist", personaPrompt: "You are practical.")
}

/// An `LLM` that answers from a script: the same text for every prompt unless `answer` says otherwise,
/// streamed word by word, optionally slowly, failing, or after announced retries (as a hosted model's).
final class ScriptedLLM: LLM, @unchecked Sendable {
    let name = "scripted"
    let answer: @Sendable (GenerationRequest) -> String
    let delayPerWordMs: Int
    let failure: (any Error)?
    let retries: [GenerationEvent]
    let requests = Mutex<[GenerationRequest]>([])

    init(delayPerWordMs: Int = 0, failure: (any Error)? = nil, retries: [GenerationEvent] = [], answer: @escaping @Sendable (GenerationRequest) -> String = { _ in "Ship the smallest version first." }) {
        self.answer = answer
        self.delayPerWordMs = delayPerWordMs
        self.failure = failure
        self.retries = retries
    }

    func generate(_ request: GenerationRequest) -> AsyncThrowingStream<GenerationEvent, any Error> {
        requests.withLock { $0.append(request) }
        let (answer, delay, failure, retries) = (answer(request), delayPerWordMs, failure, retries)
        return AsyncThrowingStream { continuation in
            let task = Task {
                if let failure { return continuation.finish(throwing: failure) }
                for retry in retries { continuation.yield(retry) }
                let words = answer.split(separator: " ", omittingEmptySubsequences: false)
                for (index, word) in words.enumerated() {
                    if delay > 0 { try? await Task.sleep(nanoseconds: UInt64(delay) * 1_000_000) }
                    if Task.isCancelled { return continuation.finish() }
                    continuation.yield(.text(index == 0 ? String(word) : " " + word))
                }
                continuation.yield(.finished(.endOfText, GenerationUsage(promptTokens: 1, generatedTokens: words.count)))
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

/// Collects an agent's events and waits for the one a test expects.
final class EventRecorder: Sendable {
    private let events = Mutex<[AgentEvent]>([])

    var sink: @Sendable (AgentEvent) -> Void { { [self] event in events.withLock { $0.append(event) } } }
    var all: [AgentEvent] { events.withLock { $0 } }

    /// Waits up to `seconds` for an event matching `predicate`.
    /// Async, so waiting never blocks the cooperative pool the model streams on.
    @discardableResult
    func wait(seconds: Double = 10, for predicate: (AgentEvent) -> Bool) async -> AgentEvent? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let match = all.first(where: predicate) { return match }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        return nil
    }

    func failure(seconds: Double = 10) async -> String? {
        guard case .failed(let reason)? = await wait(seconds: seconds, for: { if case .failed = $0 { return true }; return $0 == .stopped }) else { return nil }
        return reason
    }

    func response(seconds: Double = 10) async -> String? {
        let match = await wait(seconds: seconds) {
            if case .responded = $0 { return true }
            if case .failed = $0 { return true }
            return false
        }
        guard case .responded(_, let content, _)? = match else { return nil }
        return content
    }
}

import ArenaProtocol
import Foundation
import Synchronization
@_spi(Fuzzing) import WasmKit
import WASI
import WasmKitWASI
import LLMInterface

/// One running agent: its store, instance and imports. Not thread-safe: it is made, called and
/// dropped on its agent's own thread (`LocalAgent`).
final class AgentInstance {
    /// What the instance needs from the agent that owns it.
    struct Host {
        let config: AgentConfig
        let llm: (any LLM)?
        let limits: SandboxLimits
        let seed: UInt64
        let emit: @Sendable (AgentEvent) -> Void
        let isCancelled: @Sendable () -> Bool
        /// Whether the current run was canceled: a model call in it returns an empty answer at once.
        var isRunAbandoned: @Sendable () -> Bool = { false }
    }

    private let host: Host
    private let store: Store
    private var instance: Instance!
    private var access: GuestMemoryAccess!
    private var realloc: Function!
    private let output: GuestOutput?
    private let wasi: WASIBridgeToHost?

    /// The current export call: its deadline, and the task its broadcasts belong to.
    private var deadline: Int64 = .max
    private var deadlineName = ""
    private var currentTaskId: String?
    /// Set when an import repaired invalid UTF-8 during this call (warned about once per call).
    private var repairedUTF8 = false

    init(binary: AgentBinary, host: Host) throws {
        self.host = host
        store = Store(engine: binary.engine)
        let memoryCap = MemoryCap(bytes: host.limits.memoryBytes)
        store.resourceLimiter = memoryCap
        var imports = Imports()
        if binary.usesWASI {
            let output = try GuestOutput { line in host.emit(.output(line)) }
            // No files, no environment, no arguments: stdio only, into the console.
            let wasi = try WASIBridgeToHost(
                args: ["agent"], environment: [:],
                fileSystem: .memory(MemoryFileSystem()).withStdio(stdin: output.input, stdout: output.writer, stderr: output.writer))
            wasi.link(to: &imports, store: store)
            self.output = output
            self.wasi = wasi
        } else {
            output = nil
            wasi = nil
        }
        defineImports(into: &imports)
        store.fuel = Fuel(remaining: host.limits.fuelPerCall)
        deadline = Moment.monotonicNowMs() + host.limits.setupDeadlineMs
        deadlineName = "start-up"
        do {
            instance = try binary.module.instantiate(store: store, imports: imports)
        } catch let error as AgentLoadError {
            throw error
        } catch {
            throw Self.loadError(error, limits: host.limits, refusedBytes: memoryCap.largestRefused)
        }
        try AgentWorld.checkExports(of: instance)
        access = GuestMemoryAccess(memory: instance.exports[memory: "memory"]!, maxStringBytes: host.limits.maxStringBytes)
        realloc = instance.exports[function: "cabi_realloc"]!
    }

    deinit {
        try? wasi?.close()
        output?.close()
    }

    // MARK: Exports

    /// `_initialize` (reactors), `on-init`, then `get-info`.
    func start() throws -> AgentInfo {
        if let initialize = instance.exports[function: "_initialize"] {
            try call("_initialize", deadlineMs: host.limits.setupDeadlineMs) { _ = try initialize() }
        }
        try call("on-init", deadlineMs: host.limits.setupDeadlineMs) { _ = try self.export("on-init")() }
        return try call("get-info", deadlineMs: host.limits.setupDeadlineMs) {
            let area = try self.resultArea(self.export("get-info")(), "get-info")
            let words = try self.access.readWords(8, at: area, "get-info result")
            var fields: [String] = []
            for index in 0..<4 {
                fields.append(try self.guestString(words[index * 2], words[index * 2 + 1], "get-info string"))
            }
            try self.post("get-info", area)
            let config = self.host.config
            return AgentInfo(name: fields[0].isEmpty ? config.name : fields[0], version: fields[1],
                             color: fields[2].isEmpty ? config.color : fields[2],
                             persona: fields[3].isEmpty ? config.persona : fields[3])
        }
    }

    func handleTask(taskId: String, description: String) throws -> String {
        currentTaskId = taskId
        defer { currentTaskId = nil }
        return try call("handle-task", deadlineMs: host.limits.taskDeadlineMs) {
            let (pointer, length) = try self.lower(description)
            let area = try self.resultArea(self.export("handle-task")([.i32(pointer), .i32(length)]), "handle-task")
            let words = try self.access.readWords(2, at: area, "handle-task result")
            let answer = try self.guestString(words[0], words[1], "handle-task result")
            try self.post("handle-task", area)
            return answer
        }
    }

    func peerThought(peerId: String, taskId: String?, thought: String) throws {
        currentTaskId = taskId
        defer { currentTaskId = nil }
        try call("on-peer-thought", deadlineMs: host.limits.peerThoughtDeadlineMs) {
            let (peerPointer, peerLength) = try self.lower(peerId)
            let (thoughtPointer, thoughtLength) = try self.lower(thought)
            _ = try self.export("on-peer-thought")([.i32(peerPointer), .i32(peerLength), .i32(thoughtPointer), .i32(thoughtLength)])
        }
    }

    /// Runs one export call with fresh fuel and a deadline; any failure becomes an `AgentCallError`.
    private func call<T>(_ name: String, deadlineMs: Int64, _ body: () throws -> T) throws -> T {
        store.fuel = Fuel(remaining: host.limits.fuelPerCall)
        deadline = Moment.monotonicNowMs() + deadlineMs
        deadlineName = name
        repairedUTF8 = false
        defer {
            output?.drain()
            deadline = .max
        }
        do {
            return try body()
        } catch {
            throw AgentCallError(export: name, reason: Self.describe(error, limits: host.limits))
        }
    }

    private func export(_ name: String) -> Function { instance.exports[function: name]! }

    private func resultArea(_ results: [Value], _ name: String) throws(AgentFault) -> UInt32 {
        guard case .i32(let area)? = results.first else { throw .guestError("returned no result area from \(name)") }
        return area
    }

    private func post(_ name: String, _ area: UInt32) throws {
        if let post = instance.exports[function: "cabi_post_\(name)"] { _ = try post([.i32(area)]) }
    }

    // MARK: Strings across the boundary

    /// Copies a host string into guest memory through `cabi_realloc`.
    private func lower(_ text: String) throws -> (UInt32, UInt32) {
        let bytes = Array(text.utf8)
        let length = UInt32(clamping: bytes.count)
        let results: [Value]
        do {
            results = try realloc([.i32(0), .i32(0), .i32(1), .i32(length)])
        } catch let fault as AgentFault {
            throw fault
        } catch {
            // Named, or a trap here reads as if the export itself had failed.
            throw AgentFault.guestError("failed in cabi_realloc (asked for \(length) bytes): \(Self.describe(error, limits: host.limits))")
        }
        guard case .i32(let pointer)? = results.first else {
            throw AgentFault.guestError("returned nothing from cabi_realloc")
        }
        try access.write(bytes, at: pointer, "cabi_realloc block")
        return (pointer, length)
    }

    private func guestString(_ pointer: UInt32, _ length: UInt32, _ what: String) throws(AgentFault) -> String {
        let (text, repaired) = try access.string(pointer, length, what)
        if repaired && !repairedUTF8 {
            repairedUTF8 = true
            host.emit(.warning("The agent passed invalid UTF-8 (\(what)); the bad bytes were replaced with U+FFFD"))
        }
        return text
    }

    // MARK: Imports

    private func defineImports(into imports: inout Imports) {
        let module = AgentWorld.importModule
        imports.define(module: module, name: "host-llm", Function(store: store, parameters: [.i32, .i32, .i32]) { [unowned self] _, args in
            try self.checkDeadline()
            let prompt = try self.guestString(args[0].u32, args[1].u32, "prompt")
            let answer = try self.complete(prompt)
            let (pointer, length) = try self.lower(answer)
            try self.access.writeWords([pointer, length], at: args[2].u32, "host-llm result area")
            return []
        })
        imports.define(module: module, name: "broadcast", Function(store: store, parameters: [.i32, .i32]) { [unowned self] _, args in
            try self.checkDeadline()
            let message = try self.guestString(args[0].u32, args[1].u32, "broadcast message")
            self.host.emit(.broadcast(taskId: self.currentTaskId, content: message))
            return []
        })
        imports.define(module: module, name: "now-ms", Function(store: store, parameters: [], results: [.i64]) { [unowned self] _, _ in
            try self.checkDeadline()
            return [.i64(UInt64(max(0, Moment.now().wallMs)))]
        })
        imports.define(module: module, name: "log", Function(store: store, parameters: [.i32, .i32, .i32, .i32]) { [unowned self] _, args in
            try self.checkDeadline()
            let level = try self.guestString(args[0].u32, args[1].u32, "log level")
            let message = try self.guestString(args[2].u32, args[3].u32, "log message")
            self.host.emit(.log(AgentLogLevel(guestLevel: level), Self.clip(message, bytes: self.host.limits.maxLogBytes)))
            return []
        })
        imports.define(module: module, name: "get-config", Function(store: store, parameters: [.i32]) { [unowned self] _, args in
            try self.checkDeadline()
            let config = self.host.config
            var words: [UInt32] = []
            for field in [config.name, config.color, config.persona] {
                let (pointer, length) = try self.lower(field)
                words += [pointer, length]
            }
            try self.access.writeWords(words, at: args[0].u32, "get-config result area")
            return []
        })
    }

    /// The deadline is enforced here because WasmKit has no wall-clock interrupt: a guest past it is
    /// stopped at its next import call (and fuel stops one that never calls out).
    private func checkDeadline() throws(AgentFault) {
        if host.isCancelled() { throw .cancelled }
        guard access != nil else { throw .guestError("called an import while being instantiated (a start function)") }
        if Moment.monotonicNowMs() > deadline {
            throw .deadline("\(deadlineName) ran past its deadline")
        }
    }

    /// `host-llm`: the persona prompt, then the agent's prompt, on the shared model.
    private func complete(_ prompt: String) throws(AgentFault) -> String {
        host.emit(.thinking(taskId: currentTaskId))
        guard let llm = host.llm else {
            host.emit(.llmFailed("no model is loaded (run `make setup`, or pass --model PATH)"))
            return ""
        }
        var messages: [ChatMessage] = []
        if !host.config.personaPrompt.isEmpty { messages.append(.init(role: "system", content: host.config.personaPrompt)) }
        messages.append(.init(role: "user", content: prompt))
        let request = GenerationRequest(prompt: .chat(messages), maxTokens: host.limits.llmMaxTokens, seed: host.seed)
        let started = Moment.monotonicNowMs()
        if let immediate = llm as? any ImmediateLLM {
            let text = immediate.answer(request)
            host.emit(.llmText(text))
            host.emit(.llmFinished(LLMCallSummary(generatedTokens: 1, durationMs: Moment.monotonicNowMs() - started)))
            return text
        }
        let emit = host.emit
        let outcome = BlockingCompletion.run(request, on: llm, timeoutMs: host.limits.llmTimeoutMs, deadline: deadline,
                                             isCancelled: host.isCancelled, isAbandoned: host.isRunAbandoned,
                                             onRetry: { emit(.llmRetrying($0)) }, onText: { emit(.llmText($0)) })
        switch outcome {
        case .finished(let text, let usage, let reason):
            host.emit(.llmFinished(LLMCallSummary(promptTokens: usage.promptTokens, generatedTokens: usage.generatedTokens,
                                                  durationMs: Moment.monotonicNowMs() - started, finishReason: reason)))
            return text
        case .abandoned:
            host.emit(.llmFailed("the run was canceled; the agent got an empty answer"))
            return ""
        case .failed(let reason):
            host.emit(.llmFailed("the model failed: \(reason)"))
            return ""
        case .timedOut:
            let limit = host.limits.llmTimeoutMs
            let shown = limit % 1000 == 0 ? "\(limit / 1000) s" : "\(limit) ms"
            host.emit(.llmFailed("the model took longer than \(shown); the agent got an empty answer"))
            return ""
        case .pastDeadline:
            throw .deadline("\(deadlineName) ran past its deadline while the model was generating")
        case .cancelled:
            throw .cancelled
        }
    }

    // MARK: Messages

    /// The longest run of whole characters within `limit` UTF-8 bytes, and "…". One pass: dropping a
    /// character at a time from the end took quadratic time on a megabyte (found by fuzzing: it hung).
    static func clip(_ text: String, bytes limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var used = 0
        var end = text.startIndex
        for character in text {
            used += character.utf8.count
            if used > limit { break }
            end = text.index(after: end)
        }
        return text[..<end] + "…"
    }

    static func describe(_ error: any Error, limits: SandboxLimits) -> String {
        if let fault = error as? AgentFault { return fault.description }
        if let exit = error as? WASIExitCode {
            return "exited with code \(exit.code) (proc_exit): an agent returns from its exports instead"
        }
        let text = firstLine(of: error)
        if text.contains("out of fuel") {
            return "ran out of fuel (\(limits.fuelPerCall) Wasm operators in one call: an endless loop?)"
        }
        // WasmKit compiles, and so validates, each function when it first runs, so broken code
        // surfaces in a call. (Eager compilation would find it at start, but made starting a 39 KB
        // agent 9× slower in a debug build, for every agent.)
        if error is WasmKitError && !text.hasPrefix("Trap: ") {
            return "the module is not valid WebAssembly (found when a function first ran): \(text)"
        }
        return "trapped: " + (text.hasPrefix("Trap: ") ? String(text.dropFirst(6)) : text)
    }

    /// A failed instantiation: the memory cap, a trap before on-init (start function, segments), or a
    /// module WasmKit's validator refuses (it validates when instantiating, not when parsing).
    static func loadError(_ error: any Error, limits: SandboxLimits, refusedBytes: Int?) -> AgentLoadError {
        let text = firstLine(of: error)
        if text.contains("initial memory size exceeds the resource limit") {
            return .memoryLimit(initialBytes: refusedBytes ?? Int.max, limitBytes: limits.memoryBytes)
        }
        if error is Trap || error is AgentFault || error is WASIExitCode {
            return .instantiationFailed(describe(error, limits: limits))
        }
        // WASI preview 1 names are only known to the WASI bridge, so a made-up one is found here.
        if text.hasPrefix("unknown import ") { return .unknownImports([String(text.dropFirst("unknown import ".count))]) }
        if text.hasPrefix("incompatible import type"), let name = text.range(of: " for ") {
            return .unknownImports([String(text[name.upperBound...])])
        }
        return .invalidModule(text)
    }

    /// WasmKit appends a backtrace to a trap's description; its first line is the reason.
    private static func firstLine(of error: any Error) -> String {
        let text = "\(error)"
        return text.split(separator: "\n").first.map(String.init) ?? text
    }
}

/// A failed export call: which one, and why.
public struct AgentCallError: Error, Equatable, CustomStringConvertible {
    public let export: String
    public let reason: String
    public var description: String { "\(export) failed: \(reason)" }
}

/// Refuses memory growth beyond the agent's share; `memory.grow` then returns -1 to the guest.
final class MemoryCap: ResourceLimiter {
    let bytes: Int
    /// The largest size refused, for the message when a module's initial memory is over the cap.
    /// (A limiter must be Sendable; this one is used on its agent's thread only.)
    private let refused = Mutex<Int?>(nil)
    var largestRefused: Int? { refused.withLock { $0 } }
    init(bytes: Int) { self.bytes = bytes }
    func limitMemoryGrowth(to desired: Int) throws -> Bool {
        guard desired <= bytes else {
            refused.withLock { $0 = max($0 ?? 0, desired) }
            return false
        }
        return true
    }
    func limitTableGrowth(to desired: Int) throws -> Bool { desired <= 100_000 }
}

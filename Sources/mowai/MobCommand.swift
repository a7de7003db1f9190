import Agents
import ArenaProtocol
import ArgumentParser
import Dispatch
import Foundation
import Mob
import MobRuntime
import Personas
import SafeText
import Synchronization
import WebSocketClient

struct MobCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mob",
        abstract: "Check and run mobs: local agents grouped by profile, wired to hear each other, working through flows.",
        discussion: "The definition format is in docs/MOBS.md. `mowai tui --mob FILE` runs a mob in the console.",
        subcommands: [MobValidateCommand.self, MobRunCommand.self]
    )
}

struct MobValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a mob definition: every problem with its JSON path; exit 0 when it is valid."
    )

    @Argument(help: "The mob definition (JSON).")
    var file: String

    func run() throws {
        do {
            let mob = try MobFile.load(file)
            for warning in mob.warnings { print(Sanitizer.line(warning.description)) }
            let definition = mob.definition
            print(Sanitizer.line("\(file): mob \(definition.id) is valid: \(definition.profiles.count) profiles, \(definition.members.count) members, "
                + "flows \(definition.flows.keys.sorted().joined(separator: ", "))\(definition.onTask.map { "; on_task \($0)" } ?? "")"))
        } catch {
            StandardStreams.write((error.lines.joined(separator: "\n") + "\n"), to: StandardStreams.error)
            throw ExitCode(1)
        }
    }
}

struct MobRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a mob headless: its events as text (or JSON lines); with --flow, run that flow and exit with its outcome.",
        discussion: """
        Without --flow it runs until Ctrl-C: with --arena, its members join that arena and answer its tasks \
        (through the on_task flow when the mob has one). --model stand-in answers at once with the start of \
        each prompt, to try flows without a model.
        """
    )

    @Argument(help: "The mob definition (JSON), or the name of a built-in mob (workshop).")
    var file: String

    @Option(help: "Run this flow and exit when it ends: 0 when it completed, 1 when it failed.")
    var flow: String?

    @Option(name: .customLong("param"), help: "A flow parameter, KEY=VALUE (repeatable): {{params.KEY}} in the flow's messages.")
    var params: [String] = []

    @Option(help: "ws:// or wss:// address of an arena the members join.")
    var arena: String?

    @Flag(help: "One JSON event envelope per line instead of text.")
    var json = false

    @Flag(help: "Also print every piece of the model's text as it streams (text mode).")
    var verbose = false

    @OptionGroup var model: AnyModelOption
    @OptionGroup var engine: EngineOptions

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let mobFile: MobFile
        do {
            mobFile = FileManager.default.fileExists(atPath: file) || !BuiltInMobs.names.contains(file)
                ? try MobFile.load(file) : try BuiltInMobs.load(file)
        } catch {
            StandardStreams.write((error.lines.joined(separator: "\n") + "\n"), to: StandardStreams.error)
            throw ExitCode(1)
        }
        let parameters = try Self.parse(params)
        let definition = mobFile.definition
        if let flow, definition.flows[flow] == nil {
            throw Failure.report("mob \(definition.id) has no flow \(flow) (flows: \(definition.flows.keys.sorted().joined(separator: ", ")))")
        }
        let arenaURL = try arena.map { address -> WebSocketURL in
            guard let url = WebSocketURL(address) else {
                throw ValidationErrorMessage("--arena must be a ws:// or wss:// address, like ws://127.0.0.1:8080 (got \(address))")
            }
            return url
        }

        let models = ModelPool(defaultModel: model.model, apiKeyFile: model.apiKeyFile, engine: engine, sequences: max(1, definition.members.count), notices: noticeOnStandardError)
        let runtime = MobRuntime(resolve: MemberFactory.resolver(file: mobFile, models: models))
        let printer = MobEventPrinter(json: json, verbose: verbose)
        let finished = DispatchSemaphore(value: 0)
        let outcome = Mutex<FlowRun.Status?>(nil)
        let flowRunId = Mutex<String?>(nil)
        // Printing happens off the runtime's queue: a stalled stdout (a paused terminal, a slow pipe) costs
        // buffered events, told as stream_truncated, and never holds up the mob.
        let events = runtime.subscribe(mob: definition.id, capacity: 1 << 16)
        let drained = DispatchSemaphore(value: 0)
        let concluded = Mutex(false)
        Task.detached {
            for await event in events {
                printer.print(event)
                guard let runId = flowRunId.withLock({ $0 }) else { continue }
                let status: FlowRun.Status
                switch event.payload {
                case .flowCompleted(runId, _, _, _): status = .completed
                case .flowFailed(runId, _, _): status = .failed
                case .flowCanceled(runId, _, _): status = .canceled
                default: continue
                }
                // The answer comes right after the line saying the flow ended, before the members retire.
                printer.conclude(event)
                concluded.withLock { $0 = true }
                outcome.withLock { $0 = status }
                finished.signal()
            }
            drained.signal()
        }
        if let arenaURL { runtime.join(MobArena(url: arenaURL, hub: try WebSocketHub.shared())) }
        do {
            try runtime.add(definition)
        } catch {
            throw Failure.report(error.description)
        }

        let interrupted = Mutex(false)
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let sources = [SIGINT, SIGTERM].map { number -> DispatchSourceSignal in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                interrupted.withLock { $0 = true }
                finished.signal()
            }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }

        if let flow {
            do {
                let runId = try runtime.startFlow(flow, params: parameters, on: definition.id)
                flowRunId.withLock { $0 = runId }
                // A quick flow may have ended before its id was known here.
                if let status = runtime.snapshot(of: definition.id)?.flowRuns[runId]?.status, status != .running {
                    outcome.withLock { $0 = status }
                    finished.signal()
                }
            } catch {
                runtime.shutdown()
                throw Failure.report(error.description)
            }
        }
        finished.wait()
        runtime.shutdown()
        // The subscription has closed; what it still holds is printed first. A reader stuck on a stdout
        // nobody drains is not waited for long.
        _ = drained.wait(timeout: .now() + 5)
        // A flow that ended before its id was known here is concluded from the runtime's record.
        if !concluded.withLock({ $0 }), let runId = flowRunId.withLock({ $0 }),
           let run = runtime.snapshot(of: definition.id)?.flowRuns[runId] {
            outcome.withLock { $0 = run.status == .running ? nil : run.status }
            printer.conclude(run)
        }
        let status = outcome.withLock { $0 }
        if interrupted.withLock({ $0 }) { throw flow == nil ? ExitCode.success : ExitCode(130) }
        if status != .completed { throw ExitCode(1) }
    }

    static func parse(_ params: [String]) throws -> [String: String] {
        var result: [String: String] = [:]
        for param in params {
            guard let equals = param.firstIndex(of: "="), equals != param.startIndex else {
                throw ValidationErrorMessage("--param takes KEY=VALUE (got \(param))")
            }
            result[String(param[..<equals])] = String(param[param.index(after: equals)...])
        }
        return result
    }
}

/// Prints mob events as they come: text lines (sanitized, one per event) or JSON lines.
final class MobEventPrinter: Sendable {
    let json: Bool
    let verbose: Bool
    private let lock = Mutex(())

    init(json: Bool, verbose: Bool) {
        self.json = json
        self.verbose = verbose
    }

    func print(_ event: MobEvent) {
        let line: String
        if json {
            // The encoder escapes C0 controls; Sanitizer.json escapes the rest that a terminal would obey.
            line = Sanitizer.json(String(decoding: JSONCodec.encode(event.json), as: UTF8.self))
        } else {
            guard let text = MobEventText.describe(event, verbose: verbose) else { return }
            line = Sanitizer.line("\(MobEventText.clock(event.timestampMs)) \(event.source): \(text)")
        }
        write(line + "\n")
    }

    /// The flow's answer, or why there is none (text mode; a JSON reader has it in the event).
    func conclude(_ event: MobEvent) {
        switch event.payload {
        case .flowCompleted(_, _, let output, _): conclude(status: .completed, flowId: "", detail: output)
        case .flowFailed(_, let flowId, let error): conclude(status: .failed, flowId: flowId, detail: error)
        case .flowCanceled(_, let flowId, let reason): conclude(status: .canceled, flowId: flowId, detail: reason)
        default: break
        }
    }

    func conclude(_ run: FlowRun) {
        let detail = switch run.status {
        case .completed: run.output ?? ""
        case .running: "interrupted"
        case .failed, .canceled: run.error ?? ""
        }
        conclude(status: run.status, flowId: run.flowId, detail: detail)
    }

    private func conclude(status: FlowRun.Status, flowId: String, detail: String) {
        guard !json else { return }
        switch status {
        case .completed: write("\n" + Sanitizer.clean(detail) + "\n")
        default: write(Sanitizer.line("flow \(flowId) \(status.rawValue): \(detail)") + "\n")
        }
    }

    private func write(_ text: String) {
        lock.withLock { _ in StandardStreams.write(text) }
    }
}

/// Events in words, for people.
enum MobEventText {
    static func describe(_ event: MobEvent, verbose: Bool) -> String? {
        switch event.payload {
        case .runStarted(let runId, _, let kind, let prompt): return "\(runId) started (\(kindName(kind))): \(clip(prompt))"
        case .turnStarted: return verbose ? "thinking…" : nil
        case .textDelta(_, _, let delta): return verbose ? "» \(delta)" : nil
        case .textComplete: return nil
        case .budgetWarning(let member, _, let used, let limit, let percent):
            return "\(member.map { "\($0)'s" } ?? "the mob's") token budget: \(used) of \(limit) used (\(percent) %)"
        case .retrying(_, _, let attempt, let most, let error, let ms): return "model: \(error); attempt \(attempt) of \(most) in \(ms) ms"
        case .turnCompleted(_, _, let reason, let usage):
            return "model turn ended (\(reason.rawValue), \(usage.inputTokens) in, \(usage.outputTokens) out)"
        case .runCompleted(let runId, let result, _, let ms): return "\(runId) answered in \(ms) ms: \(clip(result))"
        case .runFailed(let runId, let error): return "\(runId) failed: \(error)"
        case .memberThought(_, let content, let peers):
            return "thought\(peers.isEmpty ? "" : " (to \(peers.joined(separator: ", ")))"): \(clip(content))"
        case .memberLog(let level, let text): return level == "debug" && !verbose ? nil : "\(level): \(text)"
        case .memberSpawned(_, let profile, let generation): return "spawned (\(profile)\(generation > 1 ? ", generation \(generation)" : ""))"
        case .memberRetired: return "retired"
        case .memberFailed(_, _, let error): return "failed: \(error)"
        case .membersWired(let a, let b): return "wired \(a) and \(b)"
        case .membersUnwired(let a, let b): return "unwired \(a) and \(b)"
        case .flowStarted(let runId, let flowId, _): return "flow \(flowId) started as \(runId)"
        case .stepDispatched(_, let stepId, let target, _, let attempt):
            return "step \(stepId) → \(target)\(attempt > 1 ? " (attempt \(attempt))" : "")"
        case .stepCompleted(_, let stepId, let target, let output, let ms):
            return target.map { "step \(stepId): \($0) answered in \(ms) ms" } ?? "step \(stepId) completed: \(clip(output))"
        case .stepFailed(_, let stepId, let target, let error): return "step \(stepId) failed\(target.map { " for \($0)" } ?? ""): \(error)"
        case .stepSkipped(_, let stepId, let reason): return "step \(stepId) skipped: \(reason)"
        case .flowCompleted(let runId, let flowId, _, let ms): return "flow \(flowId) (\(runId)) completed in \(ms) ms"
        case .flowFailed(let runId, let flowId, let error): return "flow \(flowId) (\(runId)) failed: \(error)"
        case .flowCanceled(let runId, let flowId, let reason): return "flow \(flowId) (\(runId)) canceled: \(reason)"
        case .streamTruncated(let reason, let dropped): return "\(dropped) events not shown: \(reason)"
        }
    }

    static func kindName(_ kind: RunKind) -> String {
        switch kind {
        case .external(let mode): "sent, \(mode.rawValue)"
        case .flowStep(let runId, let stepId): "\(runId) step \(stepId)"
        case .arenaTask(let taskId): "arena task \(taskId.prefix(8))"
        }
    }

    static func clip(_ text: String, to limit: Int = 200) -> String {
        text.count > limit ? text.prefix(limit) + "…" : text
    }

    static func clock(_ ms: Int64) -> String {
        var seconds = time_t(ms / 1000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        return String(format: "%02d:%02d:%02d", parts.tm_hour, parts.tm_min, parts.tm_sec)
    }
}

import AgentParticipants
import Agents
import ArenaProtocol
import Console
import Dispatch
import Foundation
import LLMInterface
import Personas
import WebSocketClient

/// `mowai dev`'s loop: build the project with its build.sh, run the agent in an arena, and on every
/// change build again and swap the new agent in (same agentId, same slot). A failed build, or a module
/// that does not implement the world, shows its errors in the agent's console and leaves the running
/// agent alone. Builds run one at a time, on their own queue; the console hears everything as actions.
final class DevLoop: @unchecked Sendable {
    let folder: URL
    let agentId: String
    private let inbox: ActionInbox
    private let llm: (any LLM)?
    private let arena: WebSocketURL
    private let hub: WebSocketHub
    private let limits: SandboxLimits
    private let queue = DispatchQueue(label: "mowai-dev")
    // Owned by `queue`.
    private var participant: ArenaParticipant?
    private var binary: AgentBinary?
    private var buildNumber = 0

    /// The longest a build may run before it is stopped.
    static let buildTimeoutSeconds = 300.0

    init(folder: URL, inbox: ActionInbox, llm: (any LLM)?, arena: WebSocketURL, hub: WebSocketHub, limits: SandboxLimits) {
        self.folder = folder
        self.inbox = inbox
        self.llm = llm
        self.arena = arena
        self.hub = hub
        self.limits = limits
        var generator = SystemRandomNumberGenerator()
        agentId = UUIDv4.make(using: &generator)
    }

    /// The agent's row appears at once; the first build follows.
    func start() {
        let config = (try? readConfig()) ?? AgentConfig(name: folder.lastPathComponent, color: "#808080", persona: "pragmatist", personaPrompt: "")
        inbox.post(.localAgentAdded(RosterEntry(agentId: agentId, slot: -1, name: config.name, color: config.color,
                                                persona: config.persona, version: "", connectedAt: Moment.now().wallMs)))
        queue.async { self.rebuild(reason: "first build") }
    }

    func stop() {
        queue.sync { participant?.stop() }
    }

    /// What the watcher saw change: the sources rebuild; mowai.config.json and personas/ only reconfigure.
    func changed(_ paths: Set<String>) {
        let sources = paths.filter { $0 != "mowai.config.json" && !$0.hasPrefix("personas/") && $0 != "personas" }
        queue.async {
            if sources.isEmpty {
                self.reconfigure(because: paths.sorted().joined(separator: ", "))
            } else {
                self.rebuild(reason: sources.sorted().prefix(3).joined(separator: ", ") + (sources.count > 3 ? " and \(sources.count - 3) more" : "") + " changed")
            }
        }
    }

    func watcherProblem(_ text: String) { say(.warn, text) }

    // MARK: On the queue

    private func rebuild(reason: String) {
        buildNumber += 1
        lifecycle("build \(buildNumber) (\(reason))…", .starting)
        let started = Date()
        let outcome = Self.runBuild(in: folder)
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        guard outcome.status == 0 else {
            say(.error, "build \(buildNumber) failed in \(seconds) s\(participant == nil ? "" : "; the running agent carries on"):")
            for line in Self.lastLines(outcome.output, count: 40) { say(.error, line) }
            setIdleOrFailed()
            return
        }
        let module = Self.builtModule(outcome.output, in: folder) ?? folder.appendingPathComponent("\(folder.lastPathComponent).wasm").path
        do {
            let config = try readConfig()
            let built = try AgentBinary.load(path: module)
            // Instantiated and asked get-info once before it may replace anything: a module that does not
            // implement the world never reaches the arena.
            _ = try built.checkWorld(limits: limits, config: config)
            binary = built
            say(.info, "build \(buildNumber) ok in \(seconds) s: \((module as NSString).lastPathComponent), \(built.byteCount) bytes")
            run(built, config)
        } catch {
            say(.error, "build \(buildNumber): \((module as NSString).lastPathComponent) cannot run\(participant == nil ? "" : " (the running agent carries on)"): \(error)")
            setIdleOrFailed()
        }
    }

    private func reconfigure(because what: String) {
        guard let binary else { return rebuild(reason: "\(what) changed") }
        do {
            let config = try readConfig()
            say(.info, "\(what) changed: persona \(config.persona), from the next task")
            run(binary, config)
        } catch {
            say(.error, "\(error) (the running agent keeps its configuration)")
        }
    }

    /// Starts the agent the first time, swaps it in after that.
    private func run(_ binary: AgentBinary, _ config: AgentConfig) {
        if let participant {
            participant.swap(to: binary, config: config)
            return
        }
        let participant = ArenaParticipant(binary: binary, config: config, llm: llm, limits: limits, arena: arena, hub: hub,
                                           agentId: agentId) { [weak self] event in self?.report(event) }
        self.participant = participant
        participant.start()
    }

    private func setIdleOrFailed() {
        if participant == nil { inbox.post(.localAgent(agentId: agentId, .lifecycle("waiting for a build that works", activity: .failed))) }
    }

    /// mowai.config.json's first agent, with its persona's prompt (./personas of the project first).
    private func readConfig() throws -> AgentConfig {
        let file = folder.appendingPathComponent("mowai.config.json")
        var entry = AgentConfigFile.Entry(name: nil, color: nil, persona: nil, arenaURL: nil, modelId: nil)
        if let bytes = FileManager.default.contents(atPath: file.path) {
            entry = try AgentConfigFile.parse(Array(bytes), file: "mowai.config.json").entries[0]
        }
        let persona = try PersonaCatalog(directory: folder.path).persona(named: entry.persona ?? "pragmatist")
        return AgentConfig(name: entry.name ?? folder.lastPathComponent, color: entry.color ?? persona.color ?? "#808080",
                           persona: persona.name, personaPrompt: persona.prompt)
    }

    // MARK: Reports

    private func report(_ event: ArenaParticipant.Event) {
        switch event {
        case .agent(let event):
            if let activity = Self.activity(event) { inbox.post(.localAgent(agentId: agentId, activity)) }
        case .session(let note):
            if case .joined = note {
                inbox.post(.localAgent(agentId: agentId, .lifecycle(note.description, activity: .joined)))
            } else {
                say(.info, note.description)
            }
        case .swap(.waitingForTask):
            say(.info, "the new build takes over when the current task is answered")
        case .swap(.swapped(let info)):
            inbox.post(.localAgent(agentId: agentId, .lifecycle("swapped in: \(info.name) \(info.version) as \(info.persona)", activity: .idle)))
        case .swap(.failed(let reason)):
            say(.error, "the new build failed to start (the running agent carries on): \(reason)")
        }
    }

    static func activity(_ event: AgentEvent) -> LocalActivity? {
        switch event {
        case .started(let info): return .lifecycle("started: \(info.name) \(info.version) as \(info.persona)", activity: .joining)
        case .taskReceived(let id, let text): return .lifecycle("task \(id.prefix(8)): \(text)", activity: .taskReceived)
        case .taskSkipped(let id): return .log(level: .info, text: "skipped task \(id.prefix(8)): a newer one arrived")
        case .thinking: return .lifecycle("thinking…", activity: .thinking(step: nil))
        case .llmText(let text): return .modelText(text)
        case .llmFinished(let call): return .log(level: .debug, text: "model: \(call.generatedTokens) tokens in \(call.durationMs) ms")
        case .llmFailed(let reason): return .log(level: .error, text: "model: \(reason)")
        case .llmRetrying(let retry): return .log(level: .warn, text: "model: \(retry.error); attempt \(retry.attempt) of \(retry.maxAttempts)")
        case .broadcast(_, let text): return .log(level: .info, text: "thought: \(text)")
        case .responded(_, _, let ms): return .lifecycle("responded in \(Int(ms)) ms", activity: .answered)
        case .log(let level, let text): return .log(level: ConsoleLogLevel(naming: level.rawValue), text: text)
        case .output(let text): return .log(level: .output, text: text)
        case .warning(let text): return .log(level: .warn, text: text)
        case .failed(let reason): return .failed(reason)
        case .stopped: return nil
        }
    }

    private func lifecycle(_ text: String, _ activity: AgentActivity) {
        // Before the first agent runs, the row shows the build; after, the agent's own state stays.
        if participant == nil {
            inbox.post(.localAgent(agentId: agentId, .lifecycle(text, activity: activity)))
        } else {
            say(.info, text)
        }
    }

    private func say(_ level: ConsoleLogLevel, _ text: String) {
        inbox.post(.localAgent(agentId: agentId, .log(level: level, text: text)))
    }

    // MARK: Building

    /// Runs ./build.sh in the project, with its output (stdout and stderr together) and status.
    static func runBuild(in folder: URL) -> (status: Int32, output: String) {
        let script = folder.appendingPathComponent("build.sh")
        guard FileManager.default.isExecutableFile(atPath: script.path) else {
            return (127, "no executable build.sh in \(folder.path): is it a project made by `mowai init`?")
        }
        let process = Process()
        process.executableURL = script
        process.currentDirectoryURL = folder
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return (126, "cannot run build.sh: \(error.localizedDescription)") }
        let collected = OutputCollector()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            collected.data = output.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        if done.wait(timeout: .now() + buildTimeoutSeconds) == .timedOut {
            process.terminate()
            done.wait()
            process.waitUntilExit()
            return (124, String(decoding: collected.data, as: UTF8.self) + "\nbuild.sh ran over \(Int(buildTimeoutSeconds)) s and was stopped")
        }
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: collected.data, as: UTF8.self))
    }

    /// "built NAME.wasm (… bytes)", the line build.sh ends with.
    static func builtModule(_ output: String, in folder: URL) -> String? {
        for line in output.split(separator: "\n").reversed() where line.hasPrefix("built ") {
            let name = line.dropFirst(6).prefix { $0 != " " }
            if name.hasSuffix(".wasm") && !name.contains("/") { return folder.appendingPathComponent(String(name)).path }
        }
        return nil
    }

    static func lastLines(_ text: String, count: Int) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        return lines.count > count ? ["… \(lines.count - count) lines before"] + lines.suffix(count) : lines
    }

    /// Written by the reading thread before the semaphore is signalled, read after the wait.
    private final class OutputCollector: @unchecked Sendable {
        var data = Data()
    }
}

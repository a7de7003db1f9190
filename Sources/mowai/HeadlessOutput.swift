import AgentParticipants
import Agents
import Dispatch
import Foundation
import SafeText
import Synchronization

/// `mowai agent run`'s lines: one per thing that happened, prefixed by time and agent. The time shown
/// is the wall clock's; nothing here waits on it.
final class HeadlessOutput: Sendable {
    private let verbose: Bool
    private let failures = Mutex(0)
    private let wake = DispatchSemaphore(value: 0)

    init(verbose: Bool) {
        self.verbose = verbose
    }

    func report(_ agent: String, _ event: ArenaParticipant.Event) {
        switch event {
        case .agent(let event): report(agent, event)
        case .session(let note): say(agent, note.description)
        case .swap(.waitingForTask): say(agent, "new build ready: it takes over when the current task is answered")
        case .swap(.swapped(let info)): say(agent, "swapped in the new build: \(info.name) \(info.version) as \(info.persona)")
        case .swap(.failed(let reason)): say(agent, "the new build failed to start (the running agent carries on): \(reason)", error: true)
        }
    }

    private func report(_ agent: String, _ event: AgentEvent) {
        switch event {
        case .started(let info): say(agent, "started: \(info.name) \(info.version) as \(info.persona)")
        case .taskReceived(let id, let text): say(agent, "task \(id.prefix(8)): \(text)")
        case .taskSkipped(let id): say(agent, "skipped task \(id.prefix(8)): a newer one arrived")
        case .thinking: say(agent, "thinking…")
        case .llmText(let text): if verbose { say(agent, "· \(text)") }
        case .llmFinished(let call): if verbose { say(agent, "model: \(call.generatedTokens) tokens in \(call.durationMs) ms") }
        case .llmFailed(let reason): say(agent, "model: \(reason)", error: true)
        case .llmRetrying(let retry):
            say(agent, "model: \(retry.error); attempt \(retry.attempt) of \(retry.maxAttempts) in \(retry.delayMs) ms", error: true)
        case .broadcast(_, let text): say(agent, "thought: \(text)")
        case .responded(_, let text, let ms): say(agent, "responded in \(Int(ms)) ms: \(text)")
        case .log(let level, let text): if level != .debug || verbose { say(agent, "\(level.rawValue): \(text)") }
        case .output(let text): say(agent, "output: \(text)")
        case .warning(let text): say(agent, "warning: \(text)", error: true)
        case .failed(let reason):
            say(agent, "failed: \(reason)", error: true)
            failures.withLock { $0 += 1 }
            wake.signal()
        case .stopped: say(agent, "stopped")
        }
    }

    private let lock = Mutex(())

    /// One line: the agent's name and the text come from guests and arenas, so both go through
    /// `Sanitizer.line` (no control reaches the terminal, no line break forges a line).
    func say(_ agent: String, _ text: String, error: Bool = false) {
        let time = Self.clock()
        let body = Sanitizer.line(agent.isEmpty ? text : "\(agent): \(text)")
        let line = "\(time) \(body)\n"
        lock.withLock { _ in
            StandardStreams.write(line)
            if error && isatty(1) == 0 { StandardStreams.write(line, to: StandardStreams.error) }
        }
    }

    private static func clock() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        return String(format: "%02d:%02d:%02d", parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    /// Blocks until Ctrl-C or SIGTERM (status 0), or until every agent has failed (status 1).
    func waitUntilInterruptedOrAllFailed(count: Int) -> Int32 {
        let interrupted = Mutex(false)
        let sources = [SIGINT, SIGTERM].map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [wake] in
                interrupted.withLock { $0 = true }
                wake.signal()
            }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        while true {
            wake.wait()
            if interrupted.withLock({ $0 }) {
                say("", "leaving the arena")
                return 0
            }
            if failures.withLock({ $0 }) >= count {
                say("", "every agent failed")
                return 1
            }
        }
    }
}

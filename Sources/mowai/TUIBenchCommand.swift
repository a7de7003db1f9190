import ArenaProtocol
import ArgumentParser
import Console
import Foundation
import TUI

struct TUIBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Drive chat messages through reduce, view and diff without a terminal; print frame times.",
        discussion: """
        Every message is reduced into the state, then the whole screen is rendered and diffed against \
        the previous frame: the worst case, since the real console renders at most 60 times a second.
        """
    )

    @Option(help: "Chat messages to drive.")
    var messages = 10_000

    @Option(help: "Terminal columns.")
    var columns = 200

    @Option(help: "Terminal rows.")
    var rows = 60

    @Option(help: "Agents in the roster.")
    var agents = 20

    @Option(help: "Arrival rate (messages/s) for the run at the console's real cadence (60 frames/s).")
    var rate = 1000.0

    func run() throws {
        let start: Int64 = 1_700_000_000_000
        let startMoment = Moment(wallMs: start, monotonicMs: 0)
        var state = State(options: .init(arenaURL: "ws://127.0.0.1:8080", isAdmin: true,
                                         observerAgentId: "0b9d5f8e-1c2d-4e3f-8a9b-0c1d2e3f4a5b"), now: startMoment)
        _ = reduce(&state, .resize(columns: columns, rows: rows))
        _ = reduce(&state, .connected(at: startMoment))
        let ids = (0..<agents).map { "a9e00000-0000-4000-8000-\(String(format: "%012d", $0))" }
        let roster = ids.enumerated().map { slot, id in
            RosterEntry(agentId: id, slot: slot, name: "agent-\(slot) 李", color: "#e8a838", persona: "pragmatist",
                        version: "1", connectedAt: start)
        }
        _ = reduce(&state, .arena(.snapshot(ArenaSnapshot(agents: roster, tasks: [], history: [], isAdmin: true)), at: startMoment))
        _ = reduce(&state, .key(.enter))
        let view = ConsoleView(theme: .dark, colorDepth: .ansi256)
        let taskId = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"
        let text = "A thought of realistic length: what would this cost, who would do it, and when? 費用と担当と時期。"
        // Built before timing: the bench measures the console, not message construction.
        let inputs: [Action] = (0..<messages).map { index in
            let thought = RelayedThought(agentId: ids[index % agents], seq: Int64(index), ts: start + Int64(index), taskId: taskId,
                                         step: index % 9 + 1, content: "\(text) #\(index)")
            return .arena(.thought(thought), at: startMoment + Int64(index))
        }

        let cpuStart = Self.cpuSeconds()
        var reduceOnly = state
        for action in inputs { _ = reduce(&reduceOnly, action) }
        let reduceCPU = Self.cpuSeconds() - cpuStart

        var previous: Frame?
        var frameTimes: [Double] = []
        frameTimes.reserveCapacity(messages)
        var changedCells = 0
        let totalStart = Self.cpuSeconds()
        for action in inputs {
            _ = reduce(&state, action)
            let frameStart = Self.monotonicSeconds()
            let frame = view.render(state)
            let runs = FrameDiff.changes(from: previous, to: frame)
            frameTimes.append(Self.monotonicSeconds() - frameStart)
            changedCells += runs.reduce(0) { $0 + $1.cells.count }
            previous = frame
        }
        let totalCPU = Self.cpuSeconds() - totalStart

        // The console as it runs: messages arrive at `rate`, the screen is drawn at most 60 times a second.
        var paced = reduceOnly
        _ = reduce(&paced, .resize(columns: columns, rows: rows))
        var pacedPrevious: Frame?
        var pacedFrames = 0
        let pacedStart = Self.cpuSeconds()
        let messagesPerFrame = max(1, Int((rate / 60).rounded()))
        for (index, action) in inputs.enumerated() {
            _ = reduce(&paced, action)
            if index % messagesPerFrame == messagesPerFrame - 1 || index == inputs.count - 1 {
                let frame = view.render(paced)
                _ = FrameDiff.changes(from: pacedPrevious, to: frame)
                pacedPrevious = frame
                pacedFrames += 1
            }
        }
        let pacedCPU = Self.cpuSeconds() - pacedStart

        frameTimes.sort()
        let mean = frameTimes.reduce(0, +) / Double(frameTimes.count)
        let p99 = frameTimes[min(frameTimes.count - 1, Int(Double(frameTimes.count) * 0.99))]
        print("mowai bench tui: \(messages) chat messages, \(columns)×\(rows), \(agents) agents")
        print(String(format: "reduce only:            %.3f s CPU   %10.0f messages/s", reduceCPU, Double(messages) / reduceCPU))
        print(String(format: "reduce + view + diff:   %.3f s CPU   %10.0f messages/s", totalCPU, Double(messages) / totalCPU))
        print(String(format: "frames (view + diff):   %.0f frames/s   mean %.3f ms   p99 %.3f ms   max %.3f ms",
                     1 / mean, mean * 1000, p99 * 1000, (frameTimes.last ?? 0) * 1000))
        print("cells changed per frame: \(changedCells / max(1, messages)) of \(columns * rows)")
        print(String(format: "at %.0f messages/s, 60 frames/s: %d messages absorbed in %.3f s CPU (%d frames)",
                     rate, messages, pacedCPU, pacedFrames))
    }

    static func cpuSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    static func monotonicSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

import Foundation

/// `mowai bench agents`: what hosting costs, apart from the model.
public enum AgentBench {
    public struct CallFigures: Sendable {
        public var calls: Int
        public var meanMicroseconds: Double
        public var medianMicroseconds: Double
        public var p99Microseconds: Double
    }

    public struct StartFigures: Sendable {
        public var agents: Int
        public var totalMilliseconds: Double
        /// Resident memory added by the agents, in bytes.
        public var residentBytes: Int
    }

    /// `handle-task` calls with a stand-in model that answers at once: the host's own overhead (string
    /// lowering and lifting, the imports the agent calls, the host-llm hand-off), on one thread.
    public static func handleTask(_ binary: AgentBinary, calls: Int) throws -> CallFigures {
        let instance = try AgentInstance(binary: binary, host: benchHost())
        _ = try instance.start()
        for _ in 0..<min(100, calls) { _ = try instance.handleTask(taskId: taskId, description: description) }  // warm up
        var samples: [Double] = []
        samples.reserveCapacity(calls)
        for _ in 0..<calls {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try instance.handleTask(taskId: taskId, description: description)
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1000)
        }
        samples.sort()
        return CallFigures(calls: calls, meanMicroseconds: samples.reduce(0, +) / Double(calls),
                           medianMicroseconds: samples[calls / 2], p99Microseconds: samples[min(calls - 1, calls * 99 / 100)])
    }

    /// Instantiates `count` agents of one binary and runs their `on-init` and `get-info`.
    public static func start(_ binary: AgentBinary, count: Int) throws -> StartFigures {
        let before = residentBytes()
        let start = DispatchTime.now().uptimeNanoseconds
        var instances: [AgentInstance] = []
        for _ in 0..<count {
            let instance = try AgentInstance(binary: binary, host: benchHost())
            _ = try instance.start()
            instances.append(instance)
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
        let figures = StartFigures(agents: count, totalMilliseconds: elapsed, residentBytes: max(0, residentBytes() - before))
        withExtendedLifetime(instances) {}
        return figures
    }

    static let taskId = "00000000-0000-4000-8000-0000000000b0"
    static let description = "Should the team adopt a four-day week? Consider cost, morale and customers."

    private static func benchHost() -> AgentInstance.Host {
        AgentInstance.Host(config: AgentConfig(name: "bench", color: "#808080", persona: "pragmatist", personaPrompt: "You are practical."),
                           llm: StandInLLM(), limits: SandboxLimits(), seed: 1, emit: { _ in }, isCancelled: { false })
    }

    /// Resident set size from /proc/self/statm (Linux), in bytes.
    public static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// One step of the arena bench: an offered load and what came of it.
public struct LoadStep: Sendable, Equatable {
    public let thoughtsPerSecond: Double
    public let offeredMessagesPerSecond: Double
    public let deliveredMessagesPerSecond: Double
    public let p50Ms: Double?
    public let p99Ms: Double?
    /// Agents the arena had closed by the end of the step.
    public let closedAgents: Int

    /// The arena kept up when it delivered at least 90 % of what the offered thoughts fan out to, and
    /// dropped nobody.
    public var keptUp: Bool { deliveredMessagesPerSecond >= 0.9 * offeredMessagesPerSecond && closedAgents == 0 }
}

/// The arena bench's plan: one fixed rate, or rates that double until the arena stops keeping up.
public struct ArenaLoad: Sendable {
    public let agents: Int
    public let stepSeconds: Double
    public let fixedRate: Double?

    public init(agents: Int, stepSeconds: Double, fixedRate: Double?) {
        self.agents = agents
        self.stepSeconds = stepSeconds
        self.fixedRate = fixedRate
    }

    /// Each thought reaches every agent as AGENT_THOUGHT (its sender as the echo) and every other
    /// agent once more as PEER_THOUGHT.
    public var messagesPerThought: Int { 2 * agents - 1 }

    /// Drives the client step by step; `report` hears of each step as it ends.
    public func run(on client: LoadClient, report: (LoadStep) -> Void) -> [LoadStep] {
        var steps: [LoadStep] = []
        var rate = fixedRate ?? max(50, 100_000 / Double(messagesPerThought))
        while true {
            client.run(thoughtsPerSecond: rate, seconds: stepSeconds)
            let step = LoadStep(
                thoughtsPerSecond: rate,
                offeredMessagesPerSecond: Double(client.sent * messagesPerThought) / stepSeconds,
                deliveredMessagesPerSecond: Double(client.delivered) / stepSeconds,
                p50Ms: client.latencies.percentileMs(0.50),
                p99Ms: client.latencies.percentileMs(0.99),
                closedAgents: client.closedAgents)
            steps.append(step)
            report(step)
            client.drain(seconds: 1)
            guard fixedRate == nil, step.keptUp, client.closedAgents == 0, steps.count < 16 else { break }
            rate *= 2
        }
        return steps
    }

    /// The step that delivered most.
    public static func saturation(of steps: [LoadStep]) -> LoadStep? {
        steps.max { $0.deliveredMessagesPerSecond < $1.deliveredMessagesPerSecond }
    }

    /// The busiest step that kept up with p99 delivery latency under `ms`.
    public static func best(of steps: [LoadStep], p99Under ms: Double) -> LoadStep? {
        steps.filter { $0.keptUp && ($0.p99Ms ?? .infinity) < ms }
            .max { $0.deliveredMessagesPerSecond < $1.deliveredMessagesPerSecond }
    }
}

/// The peak resident set size of a process in bytes: the kernel's high-water mark of its address space
/// (VmHWM in /proc, Linux). Unlike getrusage's ru_maxrss, it does not carry a parent's peak across exec.
public func peakResidentBytes(ofProcess pid: Int32) -> Int? {
    guard let file = fopen("/proc/\(pid)/status", "r") else { return nil }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix("VmHWM:") { return Int(text.filter(\.isNumber)).map { $0 * 1024 } }
    }
    return nil
}

/// The same in MiB.
public func peakResidentMiB(ofProcess pid: Int32) -> Double? {
    peakResidentBytes(ofProcess: pid).map { Double($0) / Double(1 << 20) }
}

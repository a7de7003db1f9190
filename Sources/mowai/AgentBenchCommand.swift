import Agents
import ArgumentParser
import Foundation

struct AgentBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agents",
        abstract: "What hosting agents costs without the model: handle-task overhead, and starting 100 agents.",
        discussion: "Build with `swift build -c release` (or `make bench`): a debug build is about 100× slower."
    )

    @Argument(help: "Agent modules to measure (default: mowai's own agent and the C template).")
    var agentFiles: [String] = []

    @Option(help: "handle-task calls to time.")
    var calls = 2000

    @Option(help: "Agents to start at once.")
    var agents = 100

    @Flag(help: "One JSON object per agent module instead of a table.")
    var json = false

    func run() throws {
        try Failure.reporting {
            guard calls > 0, agents > 0 else { throw ValidationErrorMessage("--calls and --agents must be positive") }
            var binaries: [AgentBinary] = [try AgentBinary.defaultAgent()]
            if agentFiles.isEmpty {
                let template = ResourceDirectories.candidates(folder: "wit", environment: "MOWAI_WIT")
                    .map { "\($0)/agents/template-c/template-c.wasm" }.first(where: FileManager.default.fileExists(atPath:))
                if let template { binaries.append(try AgentBinary.load(path: template)) }
            } else {
                binaries = try agentFiles.map { try AgentBinary.load(path: $0) }
            }
            if !json { print("agent                          handle-task mean   p50      p99      \(agents) agents: start   memory") }
            for binary in binaries {
                let call = try AgentBench.handleTask(binary, calls: calls)
                let start = try AgentBench.start(binary, count: agents)
                let name = (binary.origin as NSString).lastPathComponent
                if json {
                    print(#"{"agent":"\#(name)","calls":\#(calls),"handleTaskMeanUs":\#(round(call.meanMicroseconds * 10) / 10),"handleTaskP50Us":\#(round(call.medianMicroseconds * 10) / 10),"handleTaskP99Us":\#(round(call.p99Microseconds * 10) / 10),"agents":\#(agents),"startMs":\#(round(start.totalMilliseconds * 10) / 10),"residentBytes":\#(start.residentBytes)}"#)
                } else {
                    print(String(format: "%-30@ %8.1f µs %6.1f µs %6.1f µs   %8.1f ms   %6.1f MiB", name as NSString,
                                 call.meanMicroseconds, call.medianMicroseconds, call.p99Microseconds,
                                 start.totalMilliseconds, Double(start.residentBytes) / 1_048_576))
                }
            }
        }
    }
}

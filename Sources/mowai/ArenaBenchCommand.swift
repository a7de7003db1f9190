import ArenaBench
import ArgumentParser
import Foundation

struct ArenaBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arena",
        abstract: "Load an arena with agents exchanging thoughts; print delivered messages/s, latency and RSS.",
        discussion: """
        Without --url the bench starts its own `mowai arena` on 127.0.0.1 and measures it. With --url it \
        loads any running arena (the original Node Arena included) with the same client; pass \
        --server-pid to have that server's peak RSS reported too. Without --rate the offered load \
        doubles each step until the arena stops keeping up (saturation).
        """
    )

    @Option(help: "Number of agents.")
    var agents = 200

    @Option(help: "ws://host:port of a running arena (default: start one).")
    var url: String?

    @Option(help: "Offered load in thoughts per second (all agents together); default: find saturation.")
    var rate: Double?

    @Option(help: "Seconds per step.")
    var duration = 3.0

    @Option(help: "The pid of the arena under --url, to report its peak RSS.")
    var serverPid: Int32?

    func validate() throws {
        guard agents >= 2 else { throw ValidationError("--agents must be at least 2.") }
        guard duration > 0 else { throw ValidationError("--duration must be positive.") }
        if let rate, rate <= 0 { throw ValidationError("--rate must be positive.") }
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        var server: Process?
        let host: String
        let port: Int
        var pid = serverPid
        if let url {
            guard let components = URLComponents(string: url), components.scheme == "ws",
                  let givenHost = components.host, let givenPort = components.port else {
                throw ValidationError("--url must look like ws://127.0.0.1:8080 (wss:// is not benchmarked).")
            }
            host = givenHost
            port = givenPort
        } else {
            let started = try Self.startArena()
            server = started.process
            pid = started.process.processIdentifier
            host = "127.0.0.1"
            port = started.port
        }
        defer {
            server?.terminate()
            server?.waitUntilExit()
        }
        // Interrupted (Ctrl-C, `timeout`): take the arena we started down with us.
        let interrupts = ([SIGINT, SIGTERM] as [Int32]).map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [server] in
                server?.terminate()
                server?.waitUntilExit()
                Foundation.exit(130)
            }
            source.resume()
            return source
        }
        defer { interrupts.forEach { $0.cancel() } }

        let target = url.map { "\($0)" } ?? "ws://\(host):\(port) (mowai arena, started by the bench)"
        print("mowai bench arena: \(agents) agents on \(target)")
        let client = try LoadClient(host: host, port: port, agents: agents)
        let load = ArenaLoad(agents: agents, stepSeconds: duration, fixedRate: rate)
        print(pad("thoughts/s", 11), pad("offered msg/s", 15), pad("delivered msg/s", 17), pad("p50 ms", 8), pad("p99 ms", 8))
        let steps = load.run(on: client) { step in
            print(pad(format(step.thoughtsPerSecond), 11), pad(format(step.offeredMessagesPerSecond), 15),
                  pad(format(step.deliveredMessagesPerSecond), 17), pad(milliseconds(step.p50Ms), 8),
                  pad(milliseconds(step.p99Ms), 8), step.keptUp ? "" : "  (fell behind)",
                  step.closedAgents > 0 ? "(\(step.closedAgents) agents dropped by the arena)" : "")
            fflush(nil)
        }
        let rss = pid.flatMap(peakResidentMiB(ofProcess:))
        if let top = ArenaLoad.saturation(of: steps) {
            print("saturation: \(format(top.deliveredMessagesPerSecond)) delivered msg/s (p50 \(milliseconds(top.p50Ms)) ms, p99 \(milliseconds(top.p99Ms)) ms)")
        }
        if let best = ArenaLoad.best(of: steps, p99Under: 10) {
            print("best with p99 < 10 ms: \(format(best.deliveredMessagesPerSecond)) delivered msg/s (p50 \(milliseconds(best.p50Ms)) ms, p99 \(milliseconds(best.p99Ms)) ms)")
        } else {
            print("best with p99 < 10 ms: none of the steps")
        }
        print("server peak RSS: \(rss.map { String(format: "%.1f MiB", $0) } ?? "unknown (pass --server-pid)")")
    }

    /// Starts `mowai arena` on a free port and reads the port from its first line.
    static func startArena() throws -> (process: Process, port: Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["arena", "--host", "127.0.0.1", "--port", "0", "--log-level", "error", "--exit-with-parent"]
        var environment = ProcessInfo.processInfo.environment
        environment["MOWAI_ADMIN_SECRET"] = nil
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { throw ValidationError("the arena did not start (see its error above).") }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let portText = text.split(separator: ":").last?.split(separator: " ").first,
              let port = Int(portText.filter(\.isNumber)) else {
            throw ValidationError("could not read the arena's port from: \(text)")
        }
        return (process, port)
    }
}

private func pad(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
}

private func format(_ value: Double) -> String {
    let formatter = NumberFormatter()
    formatter.numberStyle = .decimal
    formatter.maximumFractionDigits = 0
    return formatter.string(from: NSNumber(value: value)) ?? String(Int(value))
}

private func milliseconds(_ value: Double?) -> String {
    value.map { String(format: "%.2f", $0) } ?? "-"
}

import AgentParticipants
import Agents
import ArenaProtocol
import ArgumentParser
import Dispatch
import Foundation
import Inference
import LLMInterface
import SafeText
import WebSocketClient

struct AgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run Wasm agents against an arena, or check that a module implements the agent world.",
        subcommands: [AgentRunCommand.self, AgentCheckCommand.self]
    )
}

struct AgentRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run agents headless: they join the arena, answer its tasks with the local model, and post thoughts.",
        discussion: """
        Without AGENT.wasm the default agent runs. Each --persona is one agent (or the agents of \
        mowai.config.json). Ctrl-C leaves the arena cleanly. Lines go to stdout; failures to stderr too.
        """
    )

    @Argument(help: "The agent module (.wasm, a core module or a component); default: mowai's own agent.")
    var agentFile: String?

    @Option(help: "ws:// or wss:// address of the arena (default: arenaUrl of mowai.config.json).")
    var arena: String?

    @OptionGroup var agents: AgentOptions
    @OptionGroup var model: AnyModelOption
    @OptionGroup var engine: EngineOptions

    @Flag(help: "Also show debug logs and the model's text as it streams.")
    var verbose = false

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        try Failure.reporting {
            let lineup = try AgentLineup.specs(agentFiles: agentFile.map { [$0] } ?? [], options: agents,
                                               defaultPersonas: ["pragmatist"])
            for note in lineup.notes { StandardStreams.write("mowai: \(Sanitizer.line(note))\n", to: StandardStreams.error) }
            guard let address = arena ?? lineup.arenaURL else {
                throw ValidationErrorMessage("--arena is needed (or arenaUrl in mowai.config.json), like --arena ws://127.0.0.1:8080")
            }
            guard let url = WebSocketURL(address) else {
                throw ValidationErrorMessage("--arena must be a ws:// or wss:// address, like ws://127.0.0.1:8080 (got \(address))")
            }
            let llm = try SharedModel.load(model, engine: engine, agents: lineup.specs.count)
            var limits = SandboxLimits()
            limits.taskDeadlineMs = Int64(max(1, agents.taskTimeout)) * 1000
            let output = HeadlessOutput(verbose: verbose)
            let hub = try WebSocketHub.shared()
            var generator = SystemRandomNumberGenerator()
            let participants = lineup.specs.map { spec in
                ArenaParticipant(binary: spec.binary, config: spec.config, llm: llm, limits: limits, arena: url, hub: hub,
                                 agentId: UUIDv4.make(using: &generator)) { event in output.report(spec.config.name, event) }
            }
            output.say("", "\(participants.count) agent\(participants.count == 1 ? "" : "s") on \(llm.name) → \(url) (Ctrl-C to leave)")
            for participant in participants { participant.start() }
            let status = output.waitUntilInterruptedOrAllFailed(count: participants.count)
            for participant in participants { participant.stop() }
            if status != 0 { throw ExitCode(status) }
        }
    }
}

struct AgentCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Load an agent module, start it with a stand-in model, and give it one task: is it a working agent?"
    )

    @Argument(help: "The agent module (.wasm); default: mowai's own agent.")
    var agentFile: String?

    func run() throws {
        try Failure.reporting {
            let binary = try agentFile.map { try AgentBinary.load(path: $0) } ?? AgentBinary.defaultAgent()
            let report = AgentCheck.run(binary)
            // The report quotes the guest (its name, logs, output, answer): each line sanitized.
            print(report.lines.map(Sanitizer.line).joined(separator: "\n"))
            if !report.passed { throw ExitCode(1) }
        }
    }
}

/// The model every local agent shares (one engine serves them all, batched).
enum SharedModel {
    static func load(_ option: AnyModelOption, engine: EngineOptions, agents: Int) throws -> any LLM {
        if let hosted = try option.hosted() { return hosted }
        // Agents' prompts are short: 4096 positions each is plenty, and bounds the KV reservation.
        return try engine.load(try option.openFile(), sequences: max(1, min(agents, 16)), contextLength: 4096, notices: noticeOnStandardError)
    }
}

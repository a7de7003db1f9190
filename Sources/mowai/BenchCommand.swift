import ArgumentParser

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure mowai's parts with comparable figures.",
        subcommands: [ArenaBenchCommand.self, TUIBenchCommand.self, ModelBenchCommand.self, ServeBenchCommand.self, AgentBenchCommand.self, MobBenchCommand.self]
    )
}

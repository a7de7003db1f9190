import ArgumentParser

@main
struct Mowai: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "mowai",
        abstract: "A terminal console for agent swarms, and the Arena relay they meet in.",
        version: version,
        subcommands: [TUICommand.self, ArenaCommand.self, InitCommand.self, DevCommand.self, AgentCommand.self, MobCommand.self, PersonasCommand.self, GenerateCommand.self, ServeCommand.self, ModelsCommand.self, TokenizeCommand.self, QuantizeCommand.self, DevicesCommand.self, BenchCommand.self]
    )
}

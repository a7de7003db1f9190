import Agents
import ArgumentParser
import Foundation
import Inference
import Personas

/// The agents a command was asked to run: `--agent`, `--persona`, `--name` and `--color` (each
/// repeatable), and mowai.config.json. Shared by `mowai agent run` and `mowai tui`.
struct AgentOptions: ParsableArguments {
    @Option(name: .customLong("persona"), help: "A persona (built-in or ./personas/NAME); repeat it for several agents.")
    var personas: [String] = []

    @Option(name: .customLong("name"), help: "Display name (default: the persona's name); repeat it to name each agent.")
    var names: [String] = []

    @Option(name: .customLong("color"), help: "Hex colour such as #e8a838 (default: the persona's); repeatable.")
    var colors: [String] = []

    @Option(help: "A mowai.config.json (default: ./mowai.config.json when it exists and no --persona is given).")
    var config: String?

    @Option(help: "Wall-clock limit of one handle-task call, in seconds (1 to 86400).")
    var taskTimeout: Int = 300

    mutating func validate() throws {
        guard (1...86_400).contains(taskTimeout) else { throw ValidationError("--task-timeout must be between 1 and 86400 seconds") }
    }
}

/// One agent to start.
struct AgentSpec {
    let binary: AgentBinary
    let config: AgentConfig
}

enum AgentLineup {
    /// The swarm `mowai tui` hosts when it is given nothing else to do.
    static let fivePersonas = ["contrarian", "synthesiser", "first-principles", "devils-advocate", "pragmatist"]

    /// Resolves what the options name into agents ready to start: binaries loaded (once per file) and
    /// checked, personas found, names made unique.
    static func specs(agentFiles: [String], options: AgentOptions, defaultPersonas: [String] = [],
                      readsLocalConfig: Bool = true) throws -> (specs: [AgentSpec], arenaURL: String?, notes: [String]) {
        var notes: [String] = []
        var entries: [AgentConfigFile.Entry] = []
        var arenaURL: String?
        if let file = try configFile(options, readsLocalConfig: readsLocalConfig) {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
            let parsed = try AgentConfigFile.parse(bytes, file: file)
            entries = parsed.entries
            arenaURL = parsed.entries.compactMap(\.arenaURL).first
            if let model = parsed.entries.compactMap(\.modelId).first {
                notes.append("\(file): modelId \"\(model)\" is the browser's model; mowai runs a GGUF file (--model)")
            }
        }
        let personaNames = !options.personas.isEmpty ? options.personas
            : !entries.isEmpty ? entries.map { $0.persona ?? "pragmatist" } : defaultPersonas
        let count = max(personaNames.count, agentFiles.count, entries.count)
        guard count > 0 else { return ([], arenaURL, notes) }
        try checkCount(agentFiles.count, of: "--agent", against: count)
        try checkCount(personaNames.count, of: "--persona", against: count)
        try checkCount(options.names.count, of: "--name", against: count)
        try checkCount(options.colors.count, of: "--color", against: count)

        let catalog = PersonaCatalog()
        for error in catalog.errors { notes.append("\(error) (skipped)") }
        var binaries: [String: AgentBinary] = [:]
        var specs: [AgentSpec] = []
        var usedNames: Set<String> = []
        for index in 0..<count {
            let personaName = pick(personaNames, index) ?? "pragmatist"
            let persona = try catalog.persona(named: personaName)
            let file = pick(agentFiles, index)
            let key = file ?? ""
            let binary = try binaries[key] ?? (file.map { try AgentBinary.load(path: $0) } ?? AgentBinary.defaultAgent())
            binaries[key] = binary
            let entry = index < entries.count ? entries[index] : nil
            var name = pick(options.names, index) ?? entry?.name ?? persona.name
            if options.names.count == 1 && count > 1 { name += "-\(persona.name)" }
            name = unique(name, among: &usedNames)
            let color = pick(options.colors, index) ?? entry?.color ?? persona.color ?? "#808080"
            specs.append(AgentSpec(binary: binary, config: AgentConfig(
                name: name, color: color, persona: persona.name, personaPrompt: persona.prompt)))
        }
        return (specs, arenaURL, notes)
    }

    private static func configFile(_ options: AgentOptions, readsLocalConfig: Bool) throws -> String? {
        if let file = options.config {
            guard FileManager.default.fileExists(atPath: file) else { throw ValidationErrorMessage("--config: no such file \(file)") }
            return file
        }
        let local = FileManager.default.currentDirectoryPath + "/mowai.config.json"
        return readsLocalConfig && options.personas.isEmpty && FileManager.default.fileExists(atPath: local) ? "mowai.config.json" : nil
    }

    /// A repeatable option is given 0 times, once (for every agent), or once per agent.
    private static func checkCount(_ given: Int, of option: String, against count: Int) throws {
        guard given <= 1 || given == count else {
            throw ValidationErrorMessage("\(option) is given \(given) times for \(count) agents: give it once, or once per agent")
        }
    }

    private static func pick(_ values: [String], _ index: Int) -> String? {
        values.isEmpty ? nil : values.count == 1 ? values[0] : values[index]
    }

    private static func unique(_ name: String, among used: inout Set<String>) -> String {
        var candidate = name
        var number = 2
        while !used.insert(candidate.lowercased()).inserted {
            candidate = "\(name)-\(number)"
            number += 1
        }
        return candidate
    }
}

import Agents
import Foundation
import Inference
import Providers
import Mob
import MobRuntime
import Personas
import SafeText
import Synchronization
import LLMInterface

/// A mob definition file, read and checked as `mob validate` reports it: the JSON and its meaning
/// (MobDefinition.parse), then what only the machine can tell: agent files that load, models that exist.
struct MobFile {
    let path: String
    let definition: MobDefinition
    let warnings: [MobDiagnostic]

    /// The definitions that ship with mowai: `mobs/NAME.json` beside the binary, else the built-in copy.
    static let builtIn = ["workshop"]

    /// Reads and checks `path`; throws `MobFileError` with every problem found.
    static func load(_ path: String, catalog: PersonaCatalog = PersonaCatalog()) throws(MobFileError) -> MobFile {
        guard let bytes = try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            throw MobFileError(path: path, diagnostics: [MobDiagnostic("$", "\(path) \(reason)")])
        }
        return try parse(bytes, path: path, catalog: catalog)
    }

    static func parse(_ bytes: [UInt8], path: String, catalog: PersonaCatalog) throws(MobFileError) -> MobFile {
        let (parsed, diagnostics) = MobDefinition.parse(bytes, personas: Set(catalog.personas.map(\.name)))
        var problems = diagnostics
        if let parsed {
            for (name, profile) in parsed.profiles.sorted(by: { $0.key < $1.key }) {
                if let agent = profile.agent {
                    let resolved = resolve(agent, relativeTo: path)
                    do { _ = try AgentBinary.load(path: resolved) } catch {
                        problems.append(MobDiagnostic("$.profiles.\(name).agent", "\(error)"))
                    }
                }
                // Definitions written for other runtimes name models by name ("claude-sonnet-4-5"): their
                // members run on the default model rather than not at all, and the user is told.
                if let model = profile.model, !ModelPool.isModelFile(model, relativeTo: path) {
                    problems.append(MobDiagnostic("$.profiles.\(name).model", "\"\(model)\" is not a GGUF file here: its members use the default model",
                                                  severity: .warning))
                }
            }
        }
        let errors = problems.filter { $0.severity == .error }
        guard let parsed, errors.isEmpty else { throw MobFileError(path: path, diagnostics: problems) }
        return MobFile(path: path, definition: parsed, warnings: problems)
    }

    /// Paths in a definition are relative to its folder.
    static func resolve(_ file: String, relativeTo definition: String) -> String {
        if file.hasPrefix("/") { return file }
        return URL(fileURLWithPath: definition).deletingLastPathComponent().appendingPathComponent(file).path
    }
}

struct MobFileError: Error, CustomStringConvertible {
    let path: String
    let diagnostics: [MobDiagnostic]

    var description: String { lines.joined(separator: "\n") }

    /// The headline, then each problem on a line of its own, each sanitized (they quote the file).
    var lines: [String] {
        let errors = diagnostics.filter { $0.severity == .error }.count
        return [Sanitizer.line("\(path) is not a valid mob definition (\(errors) problem\(errors == 1 ? "" : "s")):")]
            + diagnostics.map { "  " + Sanitizer.line($0.description) }
    }
}

/// The models the members of every mob share: each file is loaded once, the default one from
/// `--model` (or the installed SmolLM2). `stand-in` is a model that answers at once with the start of
/// its prompt (for trying flows and for `mowai bench mob`).
final class ModelPool: Sendable {
    static let standIn = "stand-in"

    /// Whether a profile's `model` names something this pool can load (a GGUF file, or the stand-in).
    static func isModelFile(_ model: String, relativeTo definition: String) -> Bool {
        model == standIn || FileManager.default.fileExists(atPath: MobFile.resolve(model, relativeTo: definition))
    }

    private let defaultModel: String?
    private let apiKeyFile: String?
    private let engine: EngineOptions
    private let sequences: Int
    private let notices: @Sendable (String) -> Void
    private let loaded = Mutex<[String: any LLM]>([:])

    /// - Parameter notices: hears why a model runs on the CPU when a GPU was asked for or expected.
    init(defaultModel: String?, apiKeyFile: String? = nil, engine: EngineOptions, sequences: Int,
         notices: @escaping @Sendable (String) -> Void) {
        self.defaultModel = defaultModel
        self.apiKeyFile = apiKeyFile
        self.engine = engine
        self.sequences = sequences
        self.notices = notices
    }

    /// What the console shows for the model `name` names (nil: the default): a GGUF file's name, or
    /// the hosted model's reference.
    @Sendable func label(_ name: String?) -> String {
        let key = name ?? defaultModel ?? ""
        if key.isEmpty { return ModelLocator.defaultName }
        switch try? ModelReference(parsing: key) {
        case .file(let path)?: return key == Self.standIn ? key : (path as NSString).lastPathComponent
        case let reference?: return reference.description
        case nil: return key
        }
    }

    /// The model `name` names (nil: the default): a GGUF file loaded on first use, or a hosted model
    /// (`openai:`, `anthropic:`, `gemini:MODEL[@URL]`).
    func model(_ name: String?) throws -> any LLM {
        let key = name ?? defaultModel ?? ""
        if let model = loaded.withLock({ $0[key] }) { return model }
        let model: any LLM
        if key == Self.standIn {
            model = StandInLLM(echoesPrompt: true)
        } else if !key.isEmpty, let hosted = try HostedModels.make(try ModelReference(parsing: key), apiKeyFile: apiKeyFile) {
            model = hosted
        } else {
            model = try engine.load(try GGUFModelFile(path: try ModelLocator.path(key.isEmpty ? nil : key)),
                                    sequences: max(1, min(sequences, 16)), contextLength: 4096, notices: notices)
        }
        return loaded.withLock { loaded in
            if let raced = loaded[key] { return raced }
            loaded[key] = model
            return model
        }
    }
}

/// How a mob's members are made: the profile's agent (or the default one) and persona, its model.
enum MemberFactory {
    static func resolver(file: MobFile, models: ModelPool, catalog: PersonaCatalog = PersonaCatalog()) -> MobRuntime.Resolver {
        let binaries = Mutex<[String: AgentBinary]>([:])
        let path = file.path
        return { _, profile, member in
            let persona = try catalog.persona(named: profile.persona)
            let agentPath = profile.agent.map { MobFile.resolve($0, relativeTo: path) } ?? ""
            let binary = try binaries.withLock { cache in
                if let cached = cache[agentPath] { return cached }
                let loaded = agentPath.isEmpty ? try AgentBinary.defaultAgent() : try AgentBinary.load(path: agentPath)
                cache[agentPath] = loaded
                return loaded
            }
            let model = profile.model.flatMap { name -> String? in
                guard ModelPool.isModelFile(name, relativeTo: path) else { return nil }
                return name == ModelPool.standIn ? name : MobFile.resolve(name, relativeTo: path)
            }
            return MemberSetup(binary: binary,
                               config: AgentConfig(name: member, color: persona.color ?? "#808080", persona: persona.name,
                                                   personaPrompt: persona.prompt),
                               llm: try models.model(model))
        }
    }
}

extension BuiltInMobs {
    /// A built-in mob, checked like a file (its label says where it comes from).
    static func load(_ name: String, catalog: PersonaCatalog = PersonaCatalog()) throws(MobFileError) -> MobFile {
        guard let bytes = bytes(named: name) else {
            throw MobFileError(path: name, diagnostics: [MobDiagnostic("$", "no built-in mob \(name) (built in: \(names.joined(separator: ", ")))")])
        }
        return try MobFile.parse(bytes, path: "<built-in>/mobs/\(name).json", catalog: catalog)
    }
}

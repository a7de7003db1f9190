import Foundation

/// The personas mowai knows: the built-ins, and the `personas/<name>/SKILL.md` files under a directory,
/// where a file replaces the built-in of the same name.
public struct PersonaCatalog: Sendable {
    /// Sorted by name.
    public let personas: [Persona]
    /// The files that could not be used, in path order. They do not stop the others from loading; a broken
    /// file named like a built-in leaves the built-in in place.
    public let errors: [PersonaError]
    private let builtInNames: Set<String>

    /// Merges built-in and local personas; a local persona overrides the built-in with its name.
    public init(builtIns: [Persona], local: [Persona], errors: [PersonaError] = []) {
        var byName: [String: Persona] = [:]
        for persona in builtIns + local { byName[persona.name] = persona }
        personas = byName.values.sorted { $0.name < $1.name }
        self.errors = errors
        builtInNames = Set(builtIns.map(\.name))
    }

    /// The built-ins plus `directory/personas/*/SKILL.md` (by default, those under the current directory).
    public init(directory: String = ".") {
        let builtIns = PersonaCatalog.builtIns()
        let local = PersonaCatalog.local(in: directory)
        self.init(builtIns: builtIns.personas, local: local.personas, errors: builtIns.errors + local.errors)
    }

    /// The personas embedded in the binary. Their errors can only come from a bad build: a test parses them.
    public static func builtIns() -> (personas: [Persona], errors: [PersonaError]) {
        var personas: [Persona] = []
        var errors: [PersonaError] = []
        for file in BuiltInPersonas.files {
            do {
                personas.append(try Persona(parsing: file.bytes, file: file.label, source: .builtIn))
            } catch {
                errors.append(error)
            }
        }
        return (personas, errors)
    }

    /// Every `personas/*/SKILL.md` under `directory`, named by paths relative to it ("personas/x/SKILL.md"
    /// for the current directory). Folders without a SKILL.md are not personas and are skipped.
    public static func local(in directory: String) -> (personas: [Persona], errors: [PersonaError]) {
        let root = personasFolder(in: directory)
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        var personas: [Persona] = []
        var errors: [PersonaError] = []
        for folder in folders.sorted() where !folder.hasPrefix(".") {
            let path = "\(root)/\(folder)/SKILL.md"
            guard FileManager.default.fileExists(atPath: path) else { continue }
            do {
                personas.append(try Persona(contentsOf: path))
            } catch {
                errors.append(error)
            }
        }
        return (personas, errors)
    }

    static func personasFolder(in directory: String) -> String {
        if directory.isEmpty || directory == "." || directory == "./" { return "personas" }
        return directory.hasSuffix("/") ? directory + "personas" : directory + "/personas"
    }

    public var names: [String] { personas.map(\.name) }

    /// The persona with this name, or an error listing the names there are.
    public func persona(named name: String) throws(PersonaError) -> Persona {
        guard let persona = personas.first(where: { $0.name == name }) else {
            throw PersonaError(file: nil, line: nil, problem: .unknownPersona(name: name, available: names))
        }
        return persona
    }

    /// Whether a persona read from a file replaces a built-in one.
    public func overridesBuiltIn(_ persona: Persona) -> Bool {
        persona.source != .builtIn && builtInNames.contains(persona.name)
    }
}

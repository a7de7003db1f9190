import Personas

/// A SKILL.md file as the persona catalog reads it.
enum SkillFuzz {
    static func run(_ bytes: [UInt8]) -> [String] {
        guard let persona = try? Persona(parsing: bytes, file: "personas/fuzz/SKILL.md") else { return [] }
        _ = persona.estimatedPromptTokens
        return Persona.isValidName(persona.name) ? [] : ["a persona was accepted with the invalid name \(persona.name.debugDescription)"]
    }
}

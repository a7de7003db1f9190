import Foundation
import Testing
@testable import Personas

@Suite struct ShippedPersonaTests {
    func shipped(_ name: String) throws -> Persona {
        try Persona(contentsOf: repositoryRoot.appendingPathComponent("personas/\(name)/SKILL.md").path)
    }

    @Test(arguments: shippedNames)
    func parses(name: String) throws {
        let persona = try shipped(name)
        #expect(persona.name == name)
        #expect(persona.description.count > 40)
        #expect(persona.prompt.hasPrefix("You are the"))
        #expect(persona.estimatedPromptTokens <= Persona.recommendedPromptTokens)
        #expect(persona.prompt.utf8.count < 1_600)
        #expect(persona.version == "1.0")
        #expect(persona.color.map { $0.count == 7 && $0.hasPrefix("#") && $0.dropFirst().allSatisfy(\.isHexDigit) } == true)
        // Every prompt tells the model what to do with the other agents' thoughts and how long to answer.
        #expect(persona.prompt.contains("Other agents' thoughts"))
        #expect(persona.prompt.contains("Answer in at most"))
    }

    @Test func theFiveAreDistinct() throws {
        let personas = try shippedNames.map(shipped)
        #expect(Set(personas.compactMap(\.color)).count == 5)
        #expect(Set(personas.map(\.description)).count == 5)
        #expect(Set(personas.map(\.prompt)).count == 5)
    }

    @Test func embeddedCopiesEqualTheFilesByteForByte() throws {
        let folder = repositoryRoot.appendingPathComponent("personas")
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().compactMap { name in
            let url = folder.appendingPathComponent("\(name)/SKILL.md")
            return FileManager.default.fileExists(atPath: url.path)
                ? BuiltInPersonas.File(folder: name, bytes: Array(try Data(contentsOf: url))) : nil
        }
        // If this fails, run `python3 scripts/embed-assets.py` (or `make agents`) and rebuild.
        #expect(BuiltInPersonas.files == onDisk)
    }

    @Test func builtInsAreTheFiveAndParse() throws {
        let (personas, errors) = PersonaCatalog.builtIns()
        #expect(errors == [])
        #expect(personas.map(\.name) == shippedNames)
        #expect(personas.allSatisfy { $0.source == .builtIn })
        for persona in personas {
            let file = try shipped(persona.name)
            #expect(persona.prompt == file.prompt)
            #expect(persona.metadata == file.metadata)
        }
    }
}

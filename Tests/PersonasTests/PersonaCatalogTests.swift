import Testing
@testable import Personas

@Suite struct PersonaCatalogTests {
    @Test func builtInsAloneWhereThereIsNoPersonasFolder() throws {
        let catalog = try withDirectory(["README.md": "nothing here"]) { PersonaCatalog(directory: $0) }
        #expect(catalog.names == shippedNames)
        #expect(catalog.errors == [])
        #expect(try catalog.persona(named: "pragmatist").source == .builtIn)
    }

    @Test func localPersonasAddToAndOverrideTheBuiltIns() throws {
        let files = [
            "personas/contrarian/SKILL.md": skill(name: "contrarian", body: "You are a local contrarian."),
            "personas/scribe/SKILL.md": skill(name: "scribe", body: "You are a scribe."),
            "personas/notes/README.md": "a folder without a SKILL.md is not a persona",
        ]
        try withDirectory(files) { directory in
            let catalog = PersonaCatalog(directory: directory)
            #expect(catalog.errors == [])
            #expect(catalog.names == (shippedNames + ["scribe"]).sorted())
            let contrarian = try catalog.persona(named: "contrarian")
            #expect(contrarian.prompt == "You are a local contrarian.")
            #expect(contrarian.source == .file("\(directory)/personas/contrarian/SKILL.md"))
            #expect(catalog.overridesBuiltIn(contrarian))
            #expect(!catalog.overridesBuiltIn(try catalog.persona(named: "scribe")))
            #expect(!catalog.overridesBuiltIn(try catalog.persona(named: "pragmatist")))
        }
    }

    @Test func brokenFilesAreCollectedAndTheRestStillLoad() throws {
        let files = [
            "personas/contrarian/SKILL.md": "no front matter",
            "personas/scribe/SKILL.md": skill(name: "scribe"),
            "personas/wrong/SKILL.md": skill(name: "other"),
        ]
        try withDirectory(files) { directory in
            let catalog = PersonaCatalog(directory: directory)
            #expect(catalog.errors.map(\.description) == [
                "\(directory)/personas/contrarian/SKILL.md:1: expected `---` to open the front matter, got `no front matter`",
                "\(directory)/personas/wrong/SKILL.md:2: the name `other` does not match its folder `wrong` — rename one so they agree",
            ])
            #expect(catalog.names == (shippedNames + ["scribe"]).sorted())
            // A broken override leaves the built-in in place.
            let contrarian = try catalog.persona(named: "contrarian")
            #expect(contrarian.source == .builtIn)
        }
    }

    @Test func unknownNamesListTheAvailableOnes() {
        let catalog = PersonaCatalog(builtIns: [Persona(name: "b", description: "d", prompt: "p", source: .builtIn)],
                                     local: [Persona(name: "a", description: "d", prompt: "p", source: .file("x"))])
        #expect(throws: PersonaError(file: nil, line: nil, problem: .unknownPersona(name: "c", available: ["a", "b"]))) {
            try catalog.persona(named: "c")
        }
        #expect(PersonaError(file: nil, line: nil, problem: .unknownPersona(name: "c", available: ["a", "b"])).description
            == "no persona named `c` — available: a, b")
        #expect(PersonaCatalog(builtIns: [], local: []).errorDescription(for: "c") == "no persona named `c`, and no personas are available")
    }

    @Test func pathsAreRelativeForTheCurrentDirectory() {
        #expect(["", ".", "./", "/tmp", "/tmp/", "/"].map(PersonaCatalog.personasFolder(in:))
            == ["personas", "personas", "personas", "/tmp/personas", "/tmp/personas", "/personas"])
    }
}

extension PersonaCatalog {
    fileprivate func errorDescription(for name: String) -> String? {
        do {
            _ = try persona(named: name)
            return nil
        } catch {
            return error.description
        }
    }
}

import Testing
@testable import Personas

@Suite struct FrontMatterTests {
    @Test func aPlainPersona() throws {
        let persona = try parse(skill(body: "\n\nYou are a sample persona.\nBe brief.\n\n"))
        #expect(persona == Persona(
            name: "sample", description: "A persona for tests.", metadata: ["color": "#112233", "version": "1.0"],
            prompt: "You are a sample persona.\nBe brief.", source: .file("personas/sample/SKILL.md")))
        #expect(persona.color == "#112233")
        #expect(persona.version == "1.0")
    }

    @Test func quotedValuesAndEscapes() throws {
        let persona = try parse(skill(frontMatter: #"""
            name: 'sample'
            description: "Tabs\tand \"quotes\", a \\ backslash, \u00e9 and \x41."
            metadata:
              quote: 'it''s # not a comment'
              "quoted key": "yes"
            """#))
        #expect(persona.name == "sample")
        #expect(persona.description == "Tabs\tand \"quotes\", a \\ backslash, é and A.")
        #expect(persona.metadata == ["quote": "it's # not a comment", "quoted key": "yes"])
    }

    @Test func commentsAndBlankLines() throws {
        let persona = try parse(skill(frontMatter: """
            # A persona for tests.

            name: sample   # the folder's name
              # an indented comment
            description: Plain text, with commas.  # trailing comment
            metadata:

              # colours are for the roster
              color: "#112233"  # red-ish
            """))
        #expect(persona.description == "Plain text, with commas.")
        #expect(persona.metadata == ["color": "#112233"])
    }

    @Test func foldedAndLiteralDescriptions() throws {
        let folded = try parse(skill(frontMatter: """
            name: sample
            description: >
              One line
              and the next.

              A new paragraph.
            """))
        #expect(folded.description == "One line and the next.\nA new paragraph.")

        let literal = try parse(skill(frontMatter: """
            name: sample
            description: |-
              Line one
                indented
              Line three
            """))
        #expect(literal.description == "Line one\n  indented\nLine three")
    }

    @Test func blockScalarChompingAndIndentation() throws {
        let persona = try parse(skill(frontMatter: """
            name: sample
            description: d
            metadata:
              clip: |
                a

              strip: >-
                b
              keep: |+
                c

              explicit: |2
                  d
            """))
        #expect(persona.metadata == ["clip": "a\n", "strip": "b", "keep": "c\n\n", "explicit": "  d\n"])
    }

    @Test func plainValuesContinueOnDeeperLines() throws {
        let persona = try parse(skill(frontMatter: """
            name: sample
            description: Starts here
              and goes on

              after a blank line.
            """))
        #expect(persona.description == "Starts here and goes on\nafter a blank line.")
    }

    @Test func quotedValuesOverSeveralLines() throws {
        let persona = try parse(skill(frontMatter: #"""
            name: sample
            description: "First
              second\
              third

              fourth"
            """#))
        #expect(persona.description == "First secondthird\nfourth")
    }

    @Test func unknownKeysAreIgnoredWhateverTheyHold() throws {
        let persona = try parse(skill(frontMatter: """
            name: sample
            license: MIT
            allowed-tools:
            - read
            - write
            tags: [a, b]
            extra:
              nested:
                deeper: 1
            description: d
            """))
        #expect(persona.name == "sample")
        #expect(persona.description == "d")
        #expect(persona.metadata == [:])
    }

    @Test func metadataMayBeMissingOrEmpty() throws {
        #expect(try parse(skill(frontMatter: "name: sample\ndescription: d")).metadata == [:])
        #expect(try parse(skill(frontMatter: "name: sample\ndescription: d\nmetadata:")).metadata == [:])
    }

    @Test func crlfAndByteOrderMark() throws {
        let unix = skill(body: "You are a sample persona.\nLine two.")
        let windows = Array("\u{FEFF}".utf8) + Array(unix.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        let persona = try Persona(parsing: windows, file: "personas/sample/SKILL.md")
        #expect(persona == (try parse(unix)))
        #expect(persona.prompt == "You are a sample persona.\nLine two.")
    }

    @Test func coreSchemaTypes() {
        let kinds = ["", "~", "null", "true", "False", "YES", "off", "1", "-2", "1.0", ".5", "1e3", "2.5E-3", "0x1F",
                     "0o17", ".inf", "-.Inf", ".nan"].map { YAMLScalar(text: $0, style: .plain).schemaKind }
        #expect(kinds == ["null", "null", "null"] + Array(repeating: "a boolean", count: 4)
            + Array(repeating: "a number", count: 11))
        let strings = ["#e06c75", "1.0.2", "v1", "1e", "0x", "e3", "-", "yes please", "Yes!"]
        #expect(strings.map { YAMLScalar(text: $0, style: .plain).schemaKind } == Array(repeating: nil, count: 9))
        #expect(YAMLScalar(text: "1.0", style: .doubleQuoted).schemaKind == nil)
    }
}

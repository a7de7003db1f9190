import Testing
@testable import Personas

/// Every way a SKILL.md can be wrong says where and what.
@Suite struct PersonaErrorTests {
    let file = "personas/sample/SKILL.md"

    @Test func delimiters() {
        #expect(failure("") == "\(file):1: the file is empty — it needs front matter between two `---` lines, then the prompt")
        #expect(failure("# Sample\nname: sample\n") == "\(file):1: expected `---` to open the front matter, got `# Sample`")
        #expect(failure("---\nname: sample\ndescription: d\nYou are.\n")
            == "\(file):1: the front matter is never closed — add a `---` line between it and the prompt")
    }

    @Test func notKeyValue() {
        #expect(failure(skill(frontMatter: "name: sample\njust some words"))
            == "\(file):3: expected `key: value`, got `just some words`")
        #expect(failure(skill(frontMatter: "name: sample\n- item")) == "\(file):3: expected `key: value`, got `- item`")
        #expect(failure(skill(frontMatter: "name:sample")) == "\(file):2: expected `key: value`, got `name:sample`")
    }

    @Test func indentation() {
        #expect(failure(skill(frontMatter: "name: sample\ndescription: d\nmetadata:\n  a: \"1\"\n    b: \"2\""))
            == "\(file):6: unexpected indentation — only the entries under `metadata:` and continued values are indented")
        #expect(failure(skill(frontMatter: "name: sample\ndescription: d\nmetadata:\n\tcolor: \"#fff\""))
            == "\(file):5: a tab in the indentation — YAML indents with spaces only")
    }

    @Test func duplicateKeys() {
        #expect(failure(skill(frontMatter: "name: sample\ndescription: a\ndescription: b"))
            == "\(file):4: `description` is given twice (first on line 3)")
    }

    @Test func quotes() {
        #expect(failure(skill(frontMatter: "name: sample\ndescription: \"never closed"))
            == "\(file):3: a quoted value is never closed — add the closing quote")
        #expect(failure(skill(frontMatter: #"name: sample\#ndescription: "a \q b""#))
            == #"\#(file):3: unknown escape `\q` in a double-quoted value — write `\\` for a backslash"#)
        #expect(failure(skill(frontMatter: #"name: sample\#ndescription: "a \u12" b"#))
            == #"\#(file):3: unknown escape `\u12" ` in a double-quoted value — write `\\` for a backslash"#)
        #expect(failure(skill(frontMatter: "name: sample\ndescription: \"a\" b"))
            == "\(file):3: unexpected `b` after a quoted value")
    }

    @Test func plainValuesThatNeedQuotes() {
        #expect(failure(skill(frontMatter: "name: sample\ndescription: Use it when: always"))
            == "\(file):3: the value `Use it when: always` must be quoted: YAML reads `: ` and ` #` in unquoted text as syntax")
        #expect(failure(skill(frontMatter: "name: sample\ndescription: `code`"))?.hasPrefix("\(file):3: the value `") == true)
    }

    @Test func unsupportedSyntax() {
        #expect(failure(skill(frontMatter: "name: sample\ndescription: &anchor d"))
            == "\(file):3: anchors (&), aliases (*) and tags (!) are not supported in a SKILL.md front matter")
        #expect(failure(skill(frontMatter: "name: sample\ndescription: >x\n  d"))
            == "\(file):3: `>x` is not a block scalar header — use `|` or `>`, optionally with `-` or `+`")
    }

    @Test func missingAndEmptyFields() {
        #expect(failure(skill(frontMatter: "description: d")) == "\(file):1: the front matter has no `name`")
        #expect(failure(skill(frontMatter: "name: sample")) == "\(file):1: the front matter has no `description`")
        #expect(failure(skill(frontMatter: "name: \"\"\ndescription: d")) == "\(file):2: `name` is empty")
        #expect(failure(skill(frontMatter: "name: sample\ndescription:")) == "\(file):3: `description` is empty")
        #expect(failure(skill(frontMatter: "name: sample\ndescription:\n  a: b"))
            == "\(file):3: `description` must be a string, not a map")
    }

    @Test func names() {
        let rule = "use 1 to 64 lowercase letters, digits and single hyphens, not starting or ending with a hyphen (like `devils-advocate`)"
        for bad in ["Sample", "sam ple", "-sample", "sample-", "sam--ple", "sample_1", String(repeating: "a", count: 65)] {
            #expect(failure(skill(name: bad), file: "personas/\(bad)/SKILL.md")?.hasSuffix("is not valid — \(rule)") == true)
        }
        #expect(failure(skill(name: "Sample")) == "\(file):2: the name `Sample` is not valid — \(rule)")
        #expect(failure(skill(name: "other")) == "\(file):2: the name `other` does not match its folder `sample` — rename one so they agree")
        #expect(failure(skill(name: "a1-b2-c3"), file: "personas/a1-b2-c3/SKILL.md") == nil)
        #expect(failure(skill(name: String(repeating: "a", count: 64)), file: "SKILL.md") == nil)
    }

    @Test func descriptionLength() {
        let description = { (length: Int) in skill(frontMatter: "name: sample\ndescription: \(String(repeating: "x", count: length))") }
        #expect(failure(description(1024)) == nil)
        #expect(failure(description(1025)) == "\(file):3: the description is 1025 characters long; the limit is 1024")
    }

    @Test func metadata() {
        let front = "name: sample\ndescription: d\nmetadata:"
        #expect(failure(skill(frontMatter: "\(front)\n  version: 1.0"))
            == "\(file):5: metadata.version is a number in YAML, not a string — quote it: `version: \"1.0\"`")
        #expect(failure(skill(frontMatter: "\(front)\n  shown: yes"))
            == "\(file):5: metadata.shown is a boolean in YAML, not a string — quote it: `shown: \"yes\"`")
        #expect(failure(skill(frontMatter: "\(front)\n  color:"))
            == "\(file):5: metadata.color is null, not a string — metadata values are quoted strings")
        #expect(failure(skill(frontMatter: "\(front)\n  colors:\n    text: \"#fff\""))
            == "\(file):5: metadata.colors is a map, not a string — metadata values are quoted strings")
        #expect(failure(skill(frontMatter: "\(front)\n  tags: [a, b]"))
            == "\(file):5: metadata.tags is a flow collection ([…] or {…}), not a string — metadata values are quoted strings")
        #expect(failure(skill(frontMatter: "\(front) plain"))
            == "\(file):4: `metadata` must be a map of strings (indented `key: \"value\"` lines under it), not a string")
        #expect(failure(skill(frontMatter: "\(front)\n- a"))
            == "\(file):4: `metadata` must be a map of strings (indented `key: \"value\"` lines under it), not a list")
    }

    @Test func body() {
        #expect(failure(skill(body: "  \n\n")) == "\(file):8: the prompt is empty — write the persona's system prompt below the front matter")
        #expect(failure("---\nname: sample\ndescription: d\n---")
            == "\(file):5: the prompt is empty — write the persona's system prompt below the front matter")
        let limit = Persona.maximumPromptTokens
        #expect(failure(skill(body: String(repeating: "word ", count: limit * 4 / 5))) == nil)
        #expect(failure(skill(body: String(repeating: "a", count: limit * 4 + 1)))
            == "\(file):8: the prompt is about \(limit + 1) tokens (bytes / 4); keep it within about 400 tokens (refused above 600)")
    }

    @Test func encoding() {
        #expect(failure(bytes: Array(skill().utf8) + [0xFF, 0xFE]) == "\(file): is not UTF-8 text — save it as UTF-8")
    }

    @Test func unreadableFile() {
        #expect(throws: PersonaError.self) { try Persona(contentsOf: "/nonexistent/sample/SKILL.md") }
        do {
            _ = try Persona(contentsOf: "/nonexistent/sample/SKILL.md")
        } catch {
            #expect(error.file == "/nonexistent/sample/SKILL.md")
            #expect(error.description.hasPrefix("/nonexistent/sample/SKILL.md: cannot be read ("))
        }
    }
}

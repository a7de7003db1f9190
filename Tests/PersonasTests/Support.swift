import Foundation
@testable import Personas

/// The repository's root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

let shippedNames = ["contrarian", "devils-advocate", "first-principles", "pragmatist", "synthesiser"]

/// A SKILL.md for a persona named `name`, with its front matter lines and body replaceable.
func skill(name: String = "sample", frontMatter: String? = nil, body: String = "You are a sample persona.") -> String {
    let front = frontMatter ?? """
        name: \(name)
        description: A persona for tests.
        metadata:
          color: "#112233"
          version: "1.0"
        """
    return "---\n\(front)\n---\n\(body)\n"
}

/// Parses a SKILL.md text as `personas/sample/SKILL.md`.
func parse(_ text: String, file: String = "personas/sample/SKILL.md") throws(PersonaError) -> Persona {
    try Persona(parsing: Array(text.utf8), file: file)
}

/// The message a broken SKILL.md text gives, or nil if it parses.
func failure(_ text: String, file: String = "personas/sample/SKILL.md") -> String? {
    failure(bytes: Array(text.utf8), file: file)
}

func failure(bytes: [UInt8], file: String = "personas/sample/SKILL.md") -> String? {
    do {
        _ = try Persona(parsing: bytes, file: file)
        return nil
    } catch {
        return error.description
    }
}

/// A temporary directory with the given files (relative path → contents), removed by `body`'s end.
func withDirectory<T>(_ files: [String: String], _ body: (String) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("personas-tests-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    for (path, contents) in files {
        let url = directory.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
    }
    return try body(directory.path)
}

import ArgumentParser
import Foundation
import Personas
import SafeText

struct PersonasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "personas",
        abstract: "List the personas agents can take, or show one.",
        discussion: """
        The built-in personas ship inside mowai; a personas/NAME/SKILL.md under the current directory (or \
        --directory) adds a persona, or replaces the built-in one with the same name. A SKILL.md that cannot \
        be used is reported on stderr with its file and line, and the command exits with status 1.
        """,
        subcommands: [List.self, Show.self],
        defaultSubcommand: List.self
    )

    struct Location: ParsableArguments {
        @Option(help: ArgumentHelp("Look for personas/NAME/SKILL.md under this directory.", valueName: "dir"))
        var directory = "."

        func catalog() -> PersonaCatalog { PersonaCatalog(directory: directory) }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "Each persona's name, where it comes from and what it does.")

        @OptionGroup var location: Location

        func run() throws {
            let catalog = location.catalog()
            // SKILL.md files come from anywhere: what they say is shown, never obeyed.
            for line in PersonasCommand.table(catalog, terminalWidth: TerminalWidth.ofStandardOutput()) {
                print(Sanitizer.line(line))
            }
            try PersonasCommand.reportBrokenFiles(catalog)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "A persona's front matter and its prompt.")

        @OptionGroup var location: Location

        @Argument(help: "The persona's name, as `mowai personas` lists it.")
        var name: String

        func run() throws {
            let catalog = location.catalog()
            // A persona may be missing, or be the built-in, because its file is broken: say that first.
            for error in catalog.errors { _ = Failure.report(error.description) }
            let persona = try Failure.reporting { try catalog.persona(named: name) }
            let details = PersonasCommand.details(persona, overridesBuiltIn: catalog.overridesBuiltIn(persona))
            print(details.split(separator: "\n", omittingEmptySubsequences: false).map { Sanitizer.line(String($0)) }.joined(separator: "\n"))
            if !catalog.errors.isEmpty { throw ExitCode.failure }
        }
    }

    /// One line a persona: name and source in aligned columns, then the description, clipped to the
    /// terminal's width, or to 100 characters when the output is not a terminal.
    static func table(_ catalog: PersonaCatalog, terminalWidth: Int?) -> [String] {
        let rows = catalog.personas.map { persona in
            (persona.name, source(persona, overridesBuiltIn: catalog.overridesBuiltIn(persona)), persona.description)
        }
        let nameWidth = rows.map(\.0.count).max() ?? 0
        let sourceWidth = rows.map(\.1.count).max() ?? 0
        return rows.map { name, source, description in
            let start = pad(name, nameWidth) + "  " + pad(source, sourceWidth) + "  "
            let oneLine = description.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            return start + clip(oneLine, to: terminalWidth.map { max(30, $0 - start.count) } ?? 100)
        }
    }

    static func details(_ persona: Persona, overridesBuiltIn: Bool) -> String {
        var lines = [
            "name:        \(persona.name)",
            "source:      \(source(persona, overridesBuiltIn: overridesBuiltIn))",
            "description: \(persona.description.split(separator: "\n").joined(separator: "\n             "))",
        ]
        if !persona.metadata.isEmpty {
            lines.append("metadata:")
            lines += persona.metadata.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }
        }
        lines += ["prompt:      about \(persona.estimatedPromptTokens) tokens", "", persona.prompt]
        return lines.joined(separator: "\n")
    }

    /// Each broken SKILL.md as one `file:line: problem` line on stderr, then status 1.
    static func reportBrokenFiles(_ catalog: PersonaCatalog) throws {
        guard !catalog.errors.isEmpty else { return }
        for error in catalog.errors { _ = Failure.report(error.description) }
        throw ExitCode.failure
    }

    private static func source(_ persona: Persona, overridesBuiltIn: Bool) -> String {
        overridesBuiltIn ? "\(persona.source) (replaces built-in)" : persona.source.description
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    private static func clip(_ text: String, to width: Int) -> String {
        text.count <= width ? text : text.prefix(width - 1) + "…"
    }
}

/// The width of the terminal standard output is, if it is one.
enum TerminalWidth {
    static func ofStandardOutput() -> Int? {
        var size = winsize()
        guard isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else {
            return nil
        }
        return Int(size.ws_col)
    }
}

import Agents
import ArgumentParser
import Foundation
import Personas
import SafeText

extension AgentLanguage: ExpressibleByArgument {}

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a new agent project: its source, wit/agent.wit, mowai.config.json, build.sh and a README.",
        discussion: """
        The project builds with ./build.sh into NAME.wasm and passes `mowai agent check` as it is; `mowai dev` \
        in its folder builds it, runs it in the console and rebuilds it on every save. C needs clang and \
        wasm-ld for wasm32 (the Swift toolchain's, or Debian's clang and lld), Swift a Swift toolchain with \
        Embedded Swift (6.2 or later), Rust a rustc with the wasm32-unknown-unknown standard library; init \
        says what to install when one is missing. A folder that is not empty is refused unless --force.
        """
    )

    @Argument(help: "The project's folder (default: the current one).")
    var directory: String?
    @Option(help: "c, swift or rust.")
    var lang: AgentLanguage = .c
    @Option(help: "The agent's persona: a built-in one (contrarian, synthesiser, first-principles, devils-advocate, pragmatist) or one in ./personas.")
    var persona = "pragmatist"
    @Option(help: "The agent's name (default: the folder's name): letters, digits, '-' and '_'.")
    var name: String?
    @Flag(help: "Write into a folder that is not empty, replacing the template's files (each one named).")
    var force = false

    func run() throws {
        try Failure.reporting {
            let folder = URL(fileURLWithPath: directory ?? FileManager.default.currentDirectoryPath).standardized
            let agentName = name ?? Self.name(from: folder.lastPathComponent)
            guard AgentProject.isValidName(agentName) else {
                throw ValidationErrorMessage("the name \(agentName) is not usable: 1 to 32 letters, digits, '-' or '_' (pass --name)")
            }
            let catalog = PersonaCatalog(directory: FileManager.default.currentDirectoryPath)
            guard catalog.names.contains(persona) else {
                throw ValidationErrorMessage("there is no persona \(persona): choose one of \(catalog.names.joined(separator: ", "))")
            }
            let files = AgentProject.files(language: lang, name: agentName, persona: persona)
            let existing = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            if !existing.isEmpty && !force {
                throw ValidationErrorMessage("\(folder.path) is not empty (\(existing.count) entries): pick a new folder, or pass --force to write the template's files into it")
            }
            var replaced: [String] = []
            for file in files {
                let target = folder.appendingPathComponent(file.path)
                if FileManager.default.fileExists(atPath: target.path) { replaced.append(file.path) }
                do {
                    try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try Data(file.bytes).write(to: target, options: .atomic)
                    try FileManager.default.setAttributes([.posixPermissions: file.isExecutable ? 0o755 : 0o644], ofItemAtPath: target.path)
                } catch {
                    throw ValidationErrorMessage("cannot write \(target.path): \(error.localizedDescription)")
                }
            }
            let shown = Sanitizer.line(folder.path)
            print("wrote a \(lang.rawValue) agent \(agentName) (persona \(persona)) in \(shown):")
            for file in files { print("  \(file.path)\(replaced.contains(file.path) ? "   (replaced)" : "")") }
            switch AgentToolchain.check(lang) {
            case .found(let what):
                print("toolchain: \(what)")
            case .missing(let what):
                StandardStreams.write("mowai: \(what)\n", to: StandardStreams.error)
            }
            let relative = directory.map { "cd \(Sanitizer.line($0)) && " } ?? ""
            print("next: \(relative)./build.sh && mowai agent check \(agentName).wasm && mowai dev")
        }
    }

    /// A folder's name as an agent name: other characters become '-', at most 32.
    static func name(from folder: String) -> String {
        let mapped = String(folder.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "-" }.prefix(32))
        return mapped.isEmpty || mapped.allSatisfy({ $0 == "-" }) ? "my-agent" : mapped
    }
}

import ArgumentParser
import Foundation
import Inference
import SafeText

/// Where models are found, in this order: $MOWAI_MODELS; ./models (a checkout's, as before); the
/// per-user data directory `make setup` installs into ($XDG_DATA_HOME/mowai/models, by default
/// ~/.local/share/mowai/models); a models/ folder next to the executable or above it (a repository's,
/// for a binary in .build). So the default model is found from any folder, a fresh `mowai init`
/// project's included.
enum ModelLocator {
    static let defaultName = "SmolLM2-135M-Instruct.Q4_1.gguf"

    static func directories(environment: [String: String] = ProcessInfo.processInfo.environment,
                            currentDirectory: String = FileManager.default.currentDirectoryPath) -> [String] {
        var directories: [String] = []
        if let custom = environment["MOWAI_MODELS"], !custom.isEmpty { directories.append(custom) }
        directories.append(currentDirectory + "/models")
        if let data = userDataDirectory(environment: environment) { directories.append(data + "/models") }
        directories += ResourceDirectories.nearExecutable(folder: "models")
        var seen = Set<String>()
        return directories.map { URL(fileURLWithPath: $0).standardized.path }.filter { seen.insert($0).inserted }
    }

    /// $XDG_DATA_HOME/mowai, else ~/.local/share/mowai (the XDG base directory default).
    static func userDataDirectory(environment: [String: String]) -> String? {
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") { return data + "/mowai" }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.local/share/mowai"
    }

    static func path(_ given: String?) throws -> String {
        if let given { return given }
        let searched = directories()
        if let found = searched.map({ "\($0)/\(defaultName)" }).first(where: FileManager.default.fileExists(atPath:)) { return found }
        throw ValidationErrorMessage(
            "the default model \(defaultName) is not installed (looked in \(searched.joined(separator: ", "))): run `make setup` (or scripts/fetch-model.sh) in mowai's repository, or pass --model PATH")
    }
}

struct ValidationErrorMessage: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A runtime failure: the message on stderr and exit status 1 (usage errors keep ArgumentParser's 64).
enum Failure {
    /// Runs a command's body: its errors, which all say what happened and what to do, become one line
    /// on stderr and status 1 (an ExitCode passes through).
    static func reporting<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let exit as ExitCode {
            throw exit
        } catch let invalid as MobFileError {
            // Several problems, one line each (every line sanitized on its own).
            throw report(invalid.lines.joined(separator: "\n"), preformatted: true)
        } catch let error as any Error & CustomStringConvertible {
            throw report(error.description)
        }
    }

    static func report(_ message: String, code: Int32 = 1, preformatted: Bool = false) -> ExitCode {
        // Errors can echo what a peer, a guest or a file said: one line, no controls (unless the lines
        // were sanitized one by one already).
        StandardStreams.write("mowai: \(preformatted ? message : Sanitizer.line(message))\n", to: StandardStreams.error)
        return ExitCode(code)
    }
}

import ArgumentParser
import Foundation
import Inference
import SafeText

/// Where the default model is: $MOWAI_MODELS, else a models/ folder near the executable (the
/// repository's, where `make setup` puts it), else ./models.
enum ModelLocator {
    static let defaultName = "SmolLM2-135M-Instruct.Q4_1.gguf"

    static func path(_ given: String?) throws -> String {
        if let given { return given }
        let candidates = ResourceDirectories.candidates(
            folder: "models", environment: "MOWAI_MODELS", extra: [FileManager.default.currentDirectoryPath + "/models"])
        let files = candidates.map { "\($0)/\(defaultName)" }
        if let found = files.first(where: FileManager.default.fileExists(atPath:)) { return found }
        throw ValidationErrorMessage(
            "the default model \(defaultName) is not installed: run `make setup` (or scripts/fetch-model.sh), or pass --model PATH")
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

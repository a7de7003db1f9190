import ArgumentParser
import Foundation
import Inference
import SafeText

/// The models setup installs, with the size and sha256 scripts/fetch-model.sh checks them against.
enum KnownModels {
    struct Entry {
        let name: String
        let size: Int
        let sha256: String
    }

    static let all = [
        Entry(name: "SmolLM2-135M-Instruct.Q4_1.gguf", size: 98_362_432,
              sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"),
        Entry(name: "gemma-3-270m-q4_k_m.gguf", size: 253_113_024,
              sha256: "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"),
    ]

    static func entry(named name: String) -> Entry? { all.first { $0.name == name } }
}

struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the GGUF models mowai can find: size, architecture, quantization, checksum.",
        discussion: """
        Folders, in the order mowai searches them for the default model: $MOWAI_MODELS, ./models, the per-user \
        data directory setup installs into ($XDG_DATA_HOME/mowai/models, by default ~/.local/share/mowai/models), \
        and a models/ folder beside the executable or above it. The models setup installs are checked against \
        their sha256 (computed with coreutils' sha256sum); others show "unknown".
        """
    )

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false
    @Flag(help: "Skip the sha256 check (it reads each known model whole).")
    var noChecksum = false

    struct Listed: Codable {
        let name: String
        let path: String
        let bytes: Int
        let architecture: String?
        let quantization: String?
        /// "ok", "mismatch", "unknown" (not a model setup installs), "skipped", or why the file is unreadable.
        let checksum: String
        let error: String?
        /// The model commands use when --model is not given.
        let isDefault: Bool
    }

    struct Report: Codable {
        let directories: [String]
        let models: [Listed]
    }

    func run() throws {
        try Failure.reporting {
            let directories = ModelLocator.directories()
            var models: [Listed] = []
            var seenDefault = false
            for directory in directories {
                let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".gguf") }.sorted()
                for name in names {
                    let path = directory + "/" + name
                    let isDefault = !seenDefault && name == ModelLocator.defaultName
                    if isDefault { seenDefault = true }
                    models.append(describe(path: path, name: name, isDefault: isDefault))
                }
            }
            let report = Report(directories: directories, models: models)
            print(json ? try reportJSON(report) : table(report))
        }
    }

    private func describe(path: String, name: String, isDefault: Bool) -> Listed {
        // A link (to a model kept elsewhere) is listed with the size of what it points to.
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let bytes = ((try? FileManager.default.attributesOfItem(atPath: target))?[.size] as? NSNumber)?.intValue ?? 0
        var architecture: String?, quantization: String?, problem: String?
        do {
            let summary = ModelSummary(try GGUFModelFile(path: path).gguf)
            architecture = summary.architecture
            quantization = summary.quantization
        } catch {
            // A truncated download or another file named .gguf: listed with the reason, not skipped.
            problem = "\(error)"
        }
        let checksum: String
        if let known = KnownModels.entry(named: name) {
            if noChecksum {
                checksum = "skipped"
            } else if bytes != known.size {
                checksum = "mismatch"
            } else {
                checksum = Self.sha256(of: path).map { $0 == known.sha256 ? "ok" : "mismatch" } ?? "unreadable"
            }
        } else {
            checksum = "unknown"
        }
        return Listed(name: name, path: path, bytes: bytes, architecture: architecture, quantization: quantization,
                      checksum: checksum, error: problem, isDefault: isDefault)
    }

    /// coreutils' sha256sum: every Debian has it, and Foundation has no SHA-256 on Linux.
    static func sha256(of path: String) -> String? {
        guard let text = Subprocess.output("/usr/bin/sha256sum", ["--", path]), let digest = text.split(separator: " ").first,
              digest.count == 64 else { return nil }
        return String(digest)
    }

    private func table(_ report: Report) -> String {
        guard !report.models.isEmpty else {
            return "no models found (looked in \(report.directories.map(Sanitizer.line).joined(separator: ", "))): run `make setup` in mowai's repository, or put GGUF files in one of these folders"
        }
        var lines: [String] = []
        for model in report.models {
            let size = String(format: "%7.1f MB", Double(model.bytes) / 1e6)
            let what = model.error.map { "unreadable: \($0)" } ?? "\(model.architecture ?? "?") \(model.quantization ?? "?")"
            lines.append("\(model.isDefault ? "*" : " ") \(Sanitizer.line(model.name))  \(size)  \(Sanitizer.line(what))  sha256 \(model.checksum)")
            lines.append("    \(Sanitizer.line(model.path))")
        }
        lines.append("* the default model (used when --model is not given)")
        return lines.joined(separator: "\n")
    }
}

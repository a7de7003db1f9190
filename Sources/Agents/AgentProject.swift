import CAgentAssets

/// The languages `mowai init` writes agents in, each from its template in wit/agents/template-LANGUAGE.
public enum AgentLanguage: String, CaseIterable, Sendable {
    case c, swift, rust
}

/// One file of a new agent project: where it goes (relative to the project) and what it holds.
public struct ProjectFile: Equatable, Sendable {
    public let path: String
    public let bytes: [UInt8]
    public let isExecutable: Bool
}

/// What `mowai init` writes (pure: the caller decides where and whether): the template's sources,
/// wit/agent.wit, mowai.config.json in the original's shape, build.sh, a README and a .gitignore.
public enum AgentProject {
    /// Names become file names and the agent's display name: letters, digits, '-' and '_', 1 to 32.
    public static func isValidName(_ name: String) -> Bool {
        (1...32).contains(name.utf8.count) && name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F
        }
    }

    public static func files(language: AgentLanguage, name: String, persona: String, arenaURL: String = "ws://127.0.0.1:8080") -> [ProjectFile] {
        var files = templateFiles(language).map { ProjectFile(path: $0.path, bytes: $0.bytes, isExecutable: false) }
        files.append(ProjectFile(path: "mowai.config.json", bytes: Array(config(name: name, persona: persona, arenaURL: arenaURL).utf8), isExecutable: false))
        files.append(ProjectFile(path: "build.sh", bytes: Array(buildScript(language, name: name).utf8), isExecutable: true))
        files.append(ProjectFile(path: "README.md", bytes: Array(readme(language, name: name, persona: persona).utf8), isExecutable: false))
        files.append(ProjectFile(path: ".gitignore", bytes: Array("build/\n*.wasm\n".utf8), isExecutable: false))
        return files
    }

    /// The embedded template's sources ("c/agent.c" → "agent.c") and "wit/agent.wit".
    static func templateFiles(_ language: AgentLanguage) -> [(path: String, bytes: [UInt8])] {
        (0..<mowai_template_file_count()).compactMap { index in
            var size: UInt = 0
            guard let name = mowai_template_file_name(index).map({ String(cString: $0) }),
                  let text = mowai_template_file_text(index, &size) else { return nil }
            let bytes = Array(UnsafeBufferPointer(start: text, count: Int(size)))
            if name.hasPrefix("wit/") { return (name, bytes) }
            let prefix = language.rawValue + "/"
            return name.hasPrefix(prefix) ? (String(name.dropFirst(prefix.count)), bytes) : nil
        }
    }

    /// A colour of the original's palette, the same for the same name.
    static func color(for name: String) -> String {
        let palette = ["#e8a838", "#3366ff", "#2bb673", "#d94f70", "#8e6cef", "#19a7ce", "#f06d2f", "#7cb342"]
        let hash = name.utf8.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 }
        return palette[Int(hash % UInt32(palette.count))]
    }

    static func config(name: String, persona: String, arenaURL: String) -> String {
        // Both values are checked (isValidName, a known persona), so they need no escaping.
        """
        {
          "name": "\(name)",
          "color": "\(color(for: name))",
          "persona": "\(persona)",
          "arenaUrl": "\(arenaURL)"
        }

        """
    }
}

import Foundation
import TUI

/// Finds a theme by name (themes/NAME.json) or path, and says what went wrong if it can't be used.
enum ThemeLoader {
    static func load(_ nameOrPath: String?) -> (theme: Theme, warning: String?) {
        guard let nameOrPath else { return (.dark, nil) }
        let path: String
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".json") {
            path = nameOrPath
        } else if let found = themeDirectories().map({ "\($0)/\(nameOrPath).json" }).first(where: exists) {
            path = found
        } else if let builtIn = Theme.builtIn[nameOrPath] {
            return (builtIn, nil)
        } else {
            let known = Set(availableThemes()).union(Theme.builtIn.keys).sorted().joined(separator: ", ")
            return (.dark, "no theme named \(nameOrPath) (known: \(known)) — using dark")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return (.dark, "cannot read the theme file \(path) — using dark")
        }
        switch Theme.parse(Array(data), file: path) {
        case .success(let theme): return (theme, nil)
        case .failure(let error): return (.dark, error.description)
        }
    }

    /// $MOWAI_THEMES, then themes/ next to (or above) the executable, then the system share directory.
    static func themeDirectories() -> [String] {
        ResourceDirectories.candidates(folder: "themes", environment: "MOWAI_THEMES",
                                       extra: ["/usr/local/share/mowai/themes", "/usr/share/mowai/themes"])
    }

    static func availableThemes() -> [String] {
        let names = themeDirectories().flatMap { directory in
            ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
                .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }
        }
        return Array(Set(names)).sorted()
    }

    private static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
}

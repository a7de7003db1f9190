import Foundation

/// Where mowai looks for a folder of its resources (themes, models): the directory an environment
/// variable names, then a folder of that name next to the executable or up to five levels above it
/// (the repository's, for a binary in .build), then `extra`.
enum ResourceDirectories {
    static func candidates(folder: String, environment variable: String, extra: [String] = []) -> [String] {
        var directories: [String] = []
        if let custom = ProcessInfo.processInfo.environment[variable], !custom.isEmpty { directories.append(custom) }
        return directories + nearExecutable(folder: folder) + extra
    }

    /// `folder` next to the executable and in each of the five directories above it.
    static func nearExecutable(folder: String) -> [String] {
        var directories: [String] = []
        var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            directories.append(directory.appendingPathComponent(folder).path)
            directory.deleteLastPathComponent()
        }
        return directories
    }
}

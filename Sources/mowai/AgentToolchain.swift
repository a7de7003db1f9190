import Agents
import Foundation

/// Whether this machine can build an agent of a language, as the project's build.sh looks for it; and
/// when not, exactly what to install.
enum AgentToolchain {
    enum Finding: Equatable {
        case found(String)
        case missing(String)
    }

    static func check(_ language: AgentLanguage, environment: [String: String] = ProcessInfo.processInfo.environment) -> Finding {
        let fileManager = FileManager.default
        let swiftBins = swiftBinFolders(environment: environment)
        switch language {
        case .c:
            if let bin = swiftBins.first(where: { fileManager.isExecutableFile(atPath: $0 + "/clang") && fileManager.isExecutableFile(atPath: $0 + "/wasm-ld") }) {
                return .found("clang and wasm-ld of the Swift toolchain in \(bin)")
            }
            if let clang = which("clang", environment), let linker = ["wasm-ld", "wasm-ld-16", "wasm-ld-15", "wasm-ld-14"].lazy.compactMap({ which($0, environment) }).first {
                return .found("\(clang) and \(linker)")
            }
            return .missing("C agents need clang and wasm-ld for wasm32: install the Swift toolchain (swift.org, 6.2 or later; it has both), or run: sudo apt-get install clang lld")
        case .swift:
            if let bin = swiftBins.first(where: { fileManager.fileExists(atPath: $0 + "/../lib/swift/embedded/wasm32-unknown-none-wasm") && fileManager.isExecutableFile(atPath: $0 + "/wasm-ld") }) {
                return .found("Embedded Swift for wasm32 in \(bin)")
            }
            return .missing("Swift agents need a Swift toolchain with Embedded Swift for wasm32: install one from swift.org (6.2 or later) and put its bin folder on PATH")
        case .rust:
            for rustc in [environment["RUSTC"], which("rustc", environment), "/usr/bin/rustc"].compactMap({ $0 }) where fileManager.isExecutableFile(atPath: rustc) {
                if let sysroot = Subprocess.output(rustc, ["--print", "sysroot"])?.trimmingCharacters(in: .whitespacesAndNewlines), fileManager.fileExists(atPath: sysroot + "/lib/rustlib/wasm32-unknown-unknown/lib") {
                    return .found("\(rustc) with the wasm32-unknown-unknown standard library")
                }
            }
            return .missing("Rust agents need rustc with the wasm32-unknown-unknown standard library: run rustup target add wasm32-unknown-unknown, or on Debian: sudo apt-get install rustc libstd-rust-dev-wasm32 lld-14")
        }
    }

    /// Where a Swift toolchain's binaries are: beside swiftc on PATH, and /opt/swift/usr/bin.
    static func swiftBinFolders(environment: [String: String]) -> [String] {
        var folders: [String] = []
        if let swiftc = which("swiftc", environment) {
            folders.append(URL(fileURLWithPath: swiftc).resolvingSymlinksInPath().deletingLastPathComponent().path)
        }
        if FileManager.default.isExecutableFile(atPath: "/opt/swift/usr/bin/swiftc") { folders.append("/opt/swift/usr/bin") }
        return folders
    }

    static func which(_ program: String, _ environment: [String: String]) -> String? {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// Why a file could not become an agent. Each message says what is wrong and what to do about it.
public enum AgentLoadError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case notWebAssembly
    case unsupportedVersion([UInt8])
    case truncated(offset: Int)
    case componentWithoutModule
    case invalidModule(String)
    /// A component or module that imports WASI 0.2 interfaces, which mowai does not offer.
    case needsWASIPreview2([String])
    /// Imports from modules other than `$root` and `wasi_snapshot_preview1`, or `$root` imports the
    /// world does not have or with other signatures.
    case unknownImports([String])
    /// Exports the world needs that are missing or have another signature.
    case doesNotImplementWorld([String])
    /// The module's memory starts larger than the agent may have (`SandboxLimits.memoryBytes`).
    case memoryLimit(initialBytes: Int, limitBytes: Int)
    /// The module is valid but trapped while being instantiated: in its start function or while
    /// placing its data and element segments, before `on-init` could run.
    case instantiationFailed(String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .notWebAssembly:
            return "not a WebAssembly module (no \\0asm header): build the agent for wasm32 (see docs/AGENT-ABI.md)"
        case .unsupportedVersion(let version):
            return "unknown WebAssembly version \(version.map { String($0, radix: 16) }.joined(separator: " ")): expected a core module (1) or a component"
        case .truncated(let offset):
            return "the file is truncated or corrupt near byte \(offset)"
        case .componentWithoutModule:
            return "the component embeds no core module to run"
        case .invalidModule(let reason):
            return "the module is not valid WebAssembly: \(reason)"
        case .needsWASIPreview2(let imports):
            return "the agent needs WASI 0.2, which mowai does not offer (imports \(Self.list(imports))): "
                + "build it for wasm32-wasip1 or freestanding wasm32 instead"
        case .unknownImports(let imports):
            return "the agent imports what the agent world does not provide: \(Self.list(imports)) "
                + "(the host offers host-llm, broadcast, now-ms, log and get-config from \"$root\", and WASI preview 1)"
        case .doesNotImplementWorld(let problems):
            return "the module does not implement the mowai:agent world: \(problems.joined(separator: "; ")) (see docs/AGENT-ABI.md)"
        case .memoryLimit(let initialBytes, let limitBytes):
            return "the agent's memory starts at \(Self.size(initialBytes)), more than the \(Self.size(limitBytes)) each agent may have: "
                + "give it a smaller initial memory (a linker flag such as --initial-memory)"
        case .instantiationFailed(let reason):
            return "the agent failed while being set up, before on-init (its start function or data segments): \(reason)"
        }
    }

    /// Bytes in the largest whole unit ("64 MiB", "96 KiB", "100 bytes").
    static func size(_ bytes: Int) -> String {
        for (unit, shift) in [("GiB", 30), ("MiB", 20), ("KiB", 10)] where bytes >= 1 << shift && bytes % (1 << shift) == 0 {
            return "\(bytes >> shift) \(unit)"
        }
        return "\(bytes) bytes"
    }

    static func list(_ names: [String]) -> String {
        let shown = names.prefix(8).joined(separator: ", ")
        return names.count > 8 ? "\(shown) and \(names.count - 8) more" : shown
    }
}

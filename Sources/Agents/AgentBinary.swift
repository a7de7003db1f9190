import CAgentAssets
import Foundation
@_spi(Fuzzing) import WasmKit

/// One agent binary, parsed and checked once and shared by every agent that runs it: the module and
/// its engine are thread-safe, each agent's store is not.
public final class AgentBinary: @unchecked Sendable {
    /// Where it came from ("default agent", a path), for messages.
    public let origin: String
    public let byteCount: Int
    let module: Module
    let engine: Engine
    /// Whether the module imports WASI preview 1 (only then is a WASI bridge made per agent).
    let usesWASI: Bool

    public init(bytes: [UInt8], origin: String) throws(AgentLoadError) {
        let core = try WasmBinary.coreModule(of: bytes)
        let module: Module
        do {
            module = try parseWasm(bytes: core)
        } catch {
            throw .invalidModule("\(error)")
        }
        try AgentWorld.checkImports(of: module)
        self.origin = origin
        self.byteCount = bytes.count
        self.module = module
        self.usesWASI = module.imports.contains { $0.module == AgentWorld.wasiModule }
        // Fuel is what stops a guest that loops without calling the host.
        engine = Engine(configuration: EngineConfiguration(fuelMetering: true))
    }

    public static func load(path: String) throws(AgentLoadError) -> AgentBinary {
        let bytes: [UInt8]
        do {
            bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? error.localizedDescription : "no such file"
            throw .unreadable(path: path, reason: reason)
        }
        return try AgentBinary(bytes: bytes, origin: path)
    }

    /// The agent that ships inside mowai (wit/agents/default).
    public static func defaultAgent() throws(AgentLoadError) -> AgentBinary {
        var size: UInt = 0
        let bytes = [UInt8](UnsafeBufferPointer(start: mowai_default_agent(&size), count: Int(size)))
        return try AgentBinary(bytes: bytes, origin: "the default agent")
    }
}

extension AgentBinary {
    /// Instantiates the module in a throwaway store with no model and no arena, checks that it exports
    /// the agent world, and runs its start-up (`_initialize`, `on-init`, `get-info`) under `limits`.
    /// What `LocalAgent` does first, without a thread: for the fuzzer and for checks at load time.
    public func checkWorld(limits: SandboxLimits, config: AgentConfig) throws -> AgentInfo {
        let instance = try AgentInstance(binary: self, host: AgentInstance.Host(
            config: config, llm: nil, limits: limits, seed: 0, emit: { _ in }, isCancelled: { false }))
        return try instance.start()
    }
}

import Agents

/// A Wasm binary as `mowai agent run` loads it: core module or component, the imports, then
/// instantiation and the agent world's exports, start-up included, on a small budget.
enum WasmFuzz {
    static let limits: SandboxLimits = {
        var limits = SandboxLimits()
        limits.fuelPerCall = 200_000
        limits.memoryBytes = 16 << 20
        limits.setupDeadlineMs = 1000
        return limits
    }()

    static func run(_ bytes: [UInt8]) -> [String] {
        _ = try? WasmBinary.kind(of: bytes)
        guard let binary = try? AgentBinary(bytes: bytes, origin: "fuzz.wasm") else { return [] }
        _ = try? binary.checkWorld(limits: limits, config: AgentConfig(name: "fuzz", color: "#808080", persona: "pragmatist", personaPrompt: ""))
        return []
    }
}

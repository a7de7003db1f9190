/// What the fuzzers feed, one entry point per parser of outside input. Each `run` must never trap, hang
/// or leak, whatever the bytes; besides, it checks what must hold of the result and returns what did
/// not (libFuzzer's driver aborts on a violation, so it is recorded as a crash; the regression tests in
/// `make test` expect none). Shared by `Tests/Fuzz` (libFuzzer) and `FuzzRegressionTests` (replay).
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// Frames through the arena's validation and `Relay.handle`, interleaved with ticks, closes, HTTP
    /// requests and wall-clock steps. Everything the relay sends must decode as an arena message.
    case arenaRelay = "arena-relay"
    /// Frames through `ArenaMessage` into the console's reducer and `ConsoleView.render`, with keys and
    /// resizes. No control character may reach a drawn cell.
    case arenaConsole = "arena-console"
    /// A GGUF file: header, metadata and tensor directory, then the model's shape and tokenizer.
    case gguf
    /// A SKILL.md persona: front matter and body.
    case skillMD = "skill-md"
    /// A Wasm module or component: `WasmBinary`, the import check, instantiation and the world check.
    case wasm
    /// An HTTP request to `mowai serve`: routing, the key, the limits, and the completion body.
    case serveRequest = "serve-request"
    /// A workshop recording (`mowai tui --replay`): read, played to its end into the console, drawn.
    case recording

    /// Runs one input; returns the invariants it broke (empty when all held).
    public func run(_ bytes: [UInt8]) -> [String] {
        switch self {
        case .arenaRelay: return ArenaRelayFuzz.run(bytes)
        case .arenaConsole: return ArenaConsoleFuzz.run(bytes)
        case .gguf: return ModelFileFuzz.run(bytes)
        case .skillMD: return SkillFuzz.run(bytes)
        case .wasm: return WasmFuzz.run(bytes)
        case .serveRequest: return ServeRequestFuzz.run(bytes)
        case .recording: return RecordingFuzz.run(bytes)
        }
    }
}

/// The inputs of the arena targets are several events in one byte string: chunks separated by 0xFF
/// (a byte that never occurs in UTF-8, so a JSON frame never needs it), each led by an operation byte.
enum FuzzChunks {
    static let separator: UInt8 = 0xFF
    /// Enough events to reach deep states, few enough to keep each input fast.
    static let maxChunks = 64

    static func split(_ bytes: [UInt8]) -> [(operation: UInt8, body: [UInt8])] {
        bytes.split(separator: separator, maxSplits: maxChunks, omittingEmptySubsequences: true)
            .prefix(maxChunks)
            .map { ($0[$0.startIndex], Array($0.dropFirst())) }
    }
}

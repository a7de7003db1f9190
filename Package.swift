// swift-tools-version:6.0
import PackageDescription

// Pure modules (ArenaProtocol, ArenaRelay) import no C library; each shell imports exactly one.
let package = Package(
    name: "mowai",
    products: [
        .executable(name: "mowai", targets: ["mowai"]),
        // For the libFuzzer drivers in Tests/Fuzz (their own package: they need sanitizer flags).
        .library(name: "FuzzTargets", targets: ["FuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swiftwasm/WasmKit", exact: "0.4.2"),
    ],
    targets: [
        // System libraries: a module map plus a shim that turns macros into inline functions.
        .systemLibrary(name: "CNcursesw", pkgConfig: "ncursesw", providers: [.apt(["libncursesw5-dev"])]),
        .systemLibrary(name: "CWebsockets", pkgConfig: "libwebsockets", providers: [.apt(["libwebsockets-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // Vulkan's headers only: the loader is opened at run time (a machine without it runs on the CPU).
        .systemLibrary(name: "CVulkan", providers: [.apt(["libvulkan-dev"])]),

        // The functional core.
        // The one sanitizer: every text from outside that reaches a person goes through it.
        .target(name: "SafeText"),
        .target(name: "ArenaProtocol"),
        .target(name: "ArenaRelay", dependencies: ["ArenaProtocol"]),
        .target(name: "Console", dependencies: ["ArenaProtocol", "Mob"]),
        .target(name: "TUI", dependencies: ["Console", "SafeText"]),
        // The engine's arithmetic is optimized even in debug builds: its tests run real models.
        // The kernels are optimised even in debug builds: a debug engine would be too slow to test with.
        .target(name: "CInferenceKernels", cSettings: [.unsafeFlags(["-O3"])]),
        // What agents and servers see of a language model: requests, chat messages, sampling, streamed
        // events, typed errors. Local engines and remote providers implement it; it links neither.
        .target(name: "LLMInterface"),
        .target(name: "Inference", dependencies: ["CInferenceKernels", "LLMInterface"], swiftSettings: [.unsafeFlags(["-O"])]),
        // The built-in personas and the default agent, embedded by scripts/embed-assets.py (`make agents`).
        .target(name: "CAgentAssets"),
        .target(name: "Personas", dependencies: ["CAgentAssets"]),
        // Mobs: definitions, validation, the mob as a state machine, flows, events (pure).
        .target(name: "Mob", dependencies: ["ArenaProtocol"]),

        // The imperative shells.
        // What the libwebsockets servers share: request headers, HTTP/1.1 answers, the log.
        .target(name: "ServerShell", dependencies: ["CWebsockets", "ArenaRelay", "SafeText"]),
        .target(name: "ArenaServer", dependencies: ["ArenaRelay", "ArenaProtocol", "SafeText", "CWebsockets", "ServerShell"]),
        // `mowai serve`: OpenAI's HTTP API over a model, as decisions (routing, keys, limits, decoding,
        // answers) and as the libwebsockets shell around them.
        .target(name: "ModelServing", dependencies: ["LLMInterface"]),
        .target(name: "ModelServer", dependencies: ["ModelServing", "LLMInterface", "ServerShell", "CWebsockets"]),
        .target(name: "WebSocketClient", dependencies: ["CWebsockets", "ArenaProtocol"]),
        .target(name: "HTTPClient", dependencies: ["CCurl"]),
        // Hosted models behind the LLM interface, over HTTPClient: OpenAI-compatible servers (so far).
        .target(name: "Providers", dependencies: ["LLMInterface", "HTTPClient"]),
        .target(name: "ArenaBench", dependencies: ["ArenaProtocol"]),
        .target(name: "CTerminalSignals"),
        .target(name: "Terminal", dependencies: ["TUI", "Console", "CNcursesw", "CTerminalSignals"]),
        // Local agents: the WasmKit host of the WIT agent world and its sandbox.
        .target(
            name: "Agents",
            dependencies: [
                "LLMInterface", "ArenaProtocol", "CAgentAssets",
                .product(name: "WasmKit", package: "WasmKit"),
                .product(name: "WasmKitWASI", package: "WasmKit"),
            ]
        ),

        // The Vulkan shell: the loader, devices, memory, pipelines and command buffers (one thread per queue).
        .target(name: "Vulkan", dependencies: ["CVulkan"]),
        // The compute shaders' SPIR-V, generated from glsl/ by `make shaders` and committed.
        .target(name: "CVulkanShaders", exclude: ["glsl"]),
        // The engine's Vulkan backend: the model's program as dispatches on a device.
        .target(name: "VulkanInference", dependencies: ["Inference", "Vulkan", "CVulkanShaders"], swiftSettings: [.unsafeFlags(["-O"])]),

        // Mobs at run time: members' agents, push subscriptions, members in arenas.
        .target(name: "MobRuntime", dependencies: ["Mob", "Agents", "LLMInterface", "ArenaProtocol", "WebSocketClient", "CAgentAssets"]),

        // A local agent in an arena: the socket around the pure ParticipantSession.
        .target(name: "AgentParticipants", dependencies: ["Agents", "WebSocketClient", "ArenaProtocol", "LLMInterface"]),

        // Every parser of outside input behind one entry point each: fuzzed by `make fuzz`, replayed by the tests.
        .target(name: "FuzzTargets", dependencies: ["ArenaProtocol", "ArenaRelay", "Console", "TUI", "Inference", "Personas", "Agents", "ModelServing"]),

        .executableTarget(
            name: "mowai",
            dependencies: [
                "ArenaServer", "ServerShell", "ModelServing", "ModelServer", "ArenaBench", "Console", "TUI", "Terminal", "WebSocketClient", "HTTPClient", "ArenaProtocol", "ArenaRelay", "Inference", "LLMInterface", "Providers",
                "Agents", "AgentParticipants", "Personas", "SafeText", "Mob", "MobRuntime", "CAgentAssets", "Vulkan", "VulkanInference",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "SafeTextTests", dependencies: ["SafeText"]),
        .testTarget(name: "ArenaProtocolTests", dependencies: ["ArenaProtocol"]),
        .testTarget(name: "ArenaRelayTests", dependencies: ["ArenaRelay", "ArenaProtocol"]),
        .testTarget(name: "ArenaServerTests", dependencies: ["ArenaServer"]),
        .testTarget(name: "ConsoleTests", dependencies: ["Console", "ArenaProtocol", "Mob"]),
        // The HTTP client against a scripted server on 127.0.0.1 (Tests/Interop/scripted-http-server.py).
        .testTarget(name: "HTTPClientTests", dependencies: ["HTTPClient", "EndToEndSupport"]),
        .testTarget(name: "ProvidersTests", dependencies: ["Providers", "LLMInterface", "HTTPClient", "EndToEndSupport"]),
        .testTarget(name: "LLMInterfaceTests", dependencies: ["LLMInterface"]),
        .testTarget(name: "ModelServingTests", dependencies: ["ModelServing", "LLMInterface"]),
        .testTarget(name: "InferenceTests", dependencies: ["Inference", "LLMInterface", "CInferenceKernels", "ArenaProtocol", "EndToEndSupport", "ModelFixtures"]),
        .testTarget(name: "TUITests", dependencies: ["TUI", "Console", "ArenaProtocol", "Mob"], exclude: ["__golden__"]),
        .testTarget(name: "PersonasTests", dependencies: ["Personas"]),
        .testTarget(name: "MobTests", dependencies: ["Mob", "ArenaProtocol"]),
        .testTarget(name: "MobRuntimeTests", dependencies: ["MobRuntime", "Mob", "Agents", "ArenaProtocol"]),
        .testTarget(
            name: "AgentsTests",
            dependencies: ["Agents", "Inference", "LLMInterface", "ArenaProtocol", .product(name: "WAT", package: "WasmKit")]
        ),
        // Every committed fuzz corpus file and every input that once crashed, replayed in seconds.
        .testTarget(name: "FuzzRegressionTests", dependencies: ["FuzzTargets"]),
        .testTarget(name: "SystemLibraryTests", dependencies: ["CNcursesw", "CVulkan", "Vulkan", "CCurl", "CWebsockets"]),
        .testTarget(name: "VulkanTests", dependencies: ["Vulkan", "VulkanInference", "Inference", "CInferenceKernels", "EndToEndSupport", "ModelFixtures"]),
        // Slow suites: the real `mowai` binary on 127.0.0.1.
        .target(name: "EndToEndSupport", path: "Tests/EndToEndSupport"),
        // Models written for tests (GGUF bytes, seeded random weights), shared by the CPU and Vulkan suites.
        .target(name: "ModelFixtures", dependencies: ["Inference"], path: "Tests/ModelFixtures"),
        .testTarget(
            name: "ArenaEndToEndTests",
            dependencies: ["WebSocketClient", "HTTPClient", "ArenaProtocol", "EndToEndSupport"]
        ),
        // The real `mowai serve` on the default model: curl, our client and provider, the `openai` package.
        .testTarget(name: "ServeEndToEndTests", dependencies: ["HTTPClient", "LLMInterface", "Providers", "EndToEndSupport"]),
        // The real `mowai tui` in a real terminal emulator (tmux).
        .testTarget(name: "ConsoleEndToEndTests", dependencies: ["WebSocketClient", "HTTPClient", "ArenaProtocol", "EndToEndSupport"]),
        // The committed agents in a real `mowai arena`, in-process and as `mowai agent run`, and in `mowai tui`.
        .testTarget(
            name: "AgentEndToEndTests",
            dependencies: [
                "AgentParticipants", "Agents", "Inference", "LLMInterface", "WebSocketClient", "HTTPClient", "ArenaProtocol", "EndToEndSupport",
                .product(name: "WAT", package: "WasmKit"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

@_spi(Fuzzing) import WasmKit

/// The core signatures of `wit/agent.wit` (docs/AGENT-ABI.md), and the checks a module must pass.
enum AgentWorld {
    static let importModule = "$root"
    static let wasiModule = "wasi_snapshot_preview1"

    static let imports: [String: FunctionType] = [
        "host-llm": FunctionType(parameters: [.i32, .i32, .i32], results: []),
        "broadcast": FunctionType(parameters: [.i32, .i32], results: []),
        "now-ms": FunctionType(parameters: [], results: [.i64]),
        "log": FunctionType(parameters: [.i32, .i32, .i32, .i32], results: []),
        "get-config": FunctionType(parameters: [.i32], results: []),
    ]

    static let exports: [(name: String, type: FunctionType)] = [
        ("handle-task", FunctionType(parameters: [.i32, .i32], results: [.i32])),
        ("get-info", FunctionType(parameters: [], results: [.i32])),
        ("on-init", FunctionType(parameters: [], results: [])),
        ("on-peer-thought", FunctionType(parameters: [.i32, .i32, .i32, .i32], results: [])),
        ("cabi_realloc", FunctionType(parameters: [.i32, .i32, .i32, .i32], results: [.i32])),
    ]

    /// Optional exports, checked when present.
    static let optionalExports: [(name: String, type: FunctionType)] = [
        ("cabi_post_handle-task", FunctionType(parameters: [.i32], results: [])),
        ("cabi_post_get-info", FunctionType(parameters: [.i32], results: [])),
        ("_initialize", FunctionType(parameters: [], results: [])),
    ]

    /// Refuses imports the host cannot satisfy, naming all of them at once.
    static func checkImports(of module: Module) throws(AgentLoadError) {
        var preview2: [String] = []
        var unknown: [String] = []
        for entry in module.imports {
            let name = "\(entry.module).\(entry.name)"
            if entry.module.hasPrefix("wasi:") {
                preview2.append(name)
                continue
            }
            switch (entry.module, entry.descriptor) {
            case (wasiModule, .function):
                continue
            case (importModule, .function(let typeIndex)):
                guard let expected = imports[entry.name] else {
                    unknown.append(name)
                    continue
                }
                if let actual = module.functionType(at: typeIndex), actual != expected {
                    unknown.append("\(name) with signature \(describe(actual)) (expected \(describe(expected)))")
                }
            default:
                unknown.append(name)
            }
        }
        if !preview2.isEmpty { throw .needsWASIPreview2(preview2) }
        if !unknown.isEmpty { throw .unknownImports(unknown) }
    }

    /// Lists what is missing or mistyped among an instance's exports.
    static func checkExports(of instance: Instance) throws(AgentLoadError) {
        var problems: [String] = []
        if instance.exports[memory: "memory"] == nil { problems.append("no exported memory named \"memory\"") }
        for (name, expected) in exports {
            guard let function = instance.exports[function: name] else {
                problems.append("missing export \"\(name)\" \(describe(expected))")
                continue
            }
            if function.type != expected {
                problems.append("\"\(name)\" is \(describe(function.type)), expected \(describe(expected))")
            }
        }
        for (name, expected) in optionalExports {
            if let function = instance.exports[function: name], function.type != expected {
                problems.append("\"\(name)\" is \(describe(function.type)), expected \(describe(expected))")
            }
        }
        if !problems.isEmpty { throw .doesNotImplementWorld(problems) }
    }

    static func describe(_ type: FunctionType) -> String {
        let parameters = type.parameters.map { "\($0)" }.joined(separator: ", ")
        let results = type.results.map { "\($0)" }.joined(separator: ", ")
        return "(\(parameters)) -> (\(results))"
    }
}

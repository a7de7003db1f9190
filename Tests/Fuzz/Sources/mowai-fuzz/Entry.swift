import FuzzTargets

#if canImport(Glibc)
import Glibc
#endif

// `mowai-fuzz TARGET [libFuzzer options] [CORPUS…]`: libFuzzer on one of `FuzzTarget`'s entry points.
//
// SwiftPM links an executable's entry point as `<module>_main`; defining it here (rather than linking
// libFuzzer's own `main`) lets the target be chosen by name before libFuzzer's driver takes over.

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The target chosen on the command line; set once, before the driver starts.
nonisolated(unsafe) var selectedTarget = FuzzTarget.arenaRelay

@_cdecl("mowai_fuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
    guard argc >= 2, let first = argv[1], let target = FuzzTarget(rawValue: String(cString: first)) else {
        say("usage: mowai-fuzz TARGET [libFuzzer options] [CORPUS…]; TARGET is one of \(names)")
        return 2
    }
    selectedTarget = target
    // libFuzzer sees the program name and what follows the target.
    argv[1] = argv[0]
    var count = argc - 1
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv + 1
    return runFuzzerDriver(&count, &arguments) { data, size in
        let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        let problems = selectedTarget.run(bytes)
        if !problems.isEmpty {
            say("mowai-fuzz: \(selectedTarget.rawValue): \(problems.joined(separator: "; "))")
            abort()
        }
        return 0
    }
}

func say(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

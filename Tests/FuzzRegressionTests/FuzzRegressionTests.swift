import Foundation
import FuzzTargets
import Testing

/// `make fuzz` runs libFuzzer on each target; here every committed input is replayed: the seed corpora
/// (`Tests/Fuzz/corpus/TARGET`) and every input that once crashed (`Tests/Fuzz/regressions/TARGET`).
/// Each must run without a trap and break no invariant.
@Suite("Fuzz corpora, replayed")
struct FuzzRegressionTests {
    static let fuzzFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    static func inputs(of target: FuzzTarget, in folder: String) -> [URL] {
        let directory = fuzzFolder.appendingPathComponent(folder).appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { directory.appendingPathComponent($0) }
    }

    @Test("every committed input runs clean", arguments: FuzzTarget.allCases)
    func replay(_ target: FuzzTarget) throws {
        let seeds = Self.inputs(of: target, in: "corpus")
        #expect(seeds.count >= 5, "a seed corpus for \(target.rawValue)")
        for file in seeds + Self.inputs(of: target, in: "regressions") {
            let bytes = try [UInt8](Data(contentsOf: file))
            let problems = target.run(bytes)
            #expect(problems.isEmpty, "\(file.lastPathComponent): \(problems)")
        }
    }
}

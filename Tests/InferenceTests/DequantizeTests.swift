import EndToEndSupport
import Foundation
@testable import Inference
import ModelFixtures
import Testing

/// Our dequantization against the `gguf` Python package's, on the same bytes (Tests/Interop/dequantize_reference.py).
@Suite("Dequantization")
struct DequantizeTests {
    static let hasReference = PythonReference.canImport("gguf.quants", "numpy")

    static func referenceDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mowai-dequantize-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        _ = try PythonReference.script("dequantize_reference.py", [directory.path])
        return directory
    }

    @Test("F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K and Q6_K match the reference exactly",
          .enabled(if: hasReference, "needs python3 with numpy and gguf (make setup installs them)"))
    func matchesReference() throws {
        let directory = try Self.referenceDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let types: [GGMLType] = [.f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K]
        for type in types {
            let blocks = try Data(contentsOf: directory.appendingPathComponent("\(type).bin"))
            let expectedData = try Data(contentsOf: directory.appendingPathComponent("\(type).f32"))
            let expected = expectedData.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            var actual = [Float](repeating: .nan, count: expected.count)
            blocks.withUnsafeBytes { source in
                actual.withUnsafeMutableBufferPointer { Dequantize.elements(expected.count, of: type, from: source, into: $0) }
            }
            let mismatches = zip(actual, expected).enumerated().filter { $0.element.0 != $0.element.1 }
            #expect(mismatches.isEmpty, "\(type): \(mismatches.count) of \(expected.count) differ, first at \(mismatches.first.map { "\($0.offset): \($0.element.0) vs \($0.element.1)" } ?? "")")
            #expect(expected.count == 4 * 256)
        }
    }

    @Test("the default model's token embedding row 0 (Q8_0) and a Q4_1 weight dequantize to finite, varied values",
          .enabled(if: DefaultModel.isPresent, "run `make setup` to fetch the default model"))
    func defaultModelTensors() throws {
        let model = try GGUFModelFile(path: DefaultModel.path)
        for name in ["token_embd.weight", "blk.0.attn_q.weight"] {
            let tensor = try #require(model.gguf.tensor(named: name))
            let row = tensor.dimensions[0]
            var values = [Float](repeating: 0, count: row)
            let source = UnsafeRawBufferPointer(rebasing: model.mapping.bytes[tensor.offset..<(tensor.offset + tensor.byteCount)])
            values.withUnsafeMutableBufferPointer { Dequantize.elements(row, of: tensor.type, from: source, into: $0) }
            #expect(values.allSatisfy { $0.isFinite })
            #expect(Set(values).count > row / 4, "\(name) row 0 is not constant")
        }
    }
}

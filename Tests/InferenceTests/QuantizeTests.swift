import EndToEndSupport
import Foundation
@testable import Inference
import ModelFixtures
import Testing

/// `Quantizer` and `mowai quantize`: each type's round trip on Gaussian weights, the rewritten file read
/// back by mowai and by the gguf package, the Q4_K_M recipe, and the refusals.
@Suite("Quantize")
struct QuantizeTests {
    /// Relative RMS error of quantizing N(0, 1) weights and reading them back, measured here; each bound
    /// is about 1.25× the measurement. Plain rounding of a block to L levels between its extremes gives
    /// about range / L / √12 (Q8_0: 0.005 of the weights' RMS; 4-bit types: 0.1); a misplaced nibble,
    /// bit or scale gives errors of the order of the weights themselves (above 0.5).
    static let bounds: [(GGMLType, Double)] = [
        (.q8_0, 0.0068), (.q6_K, 0.024), (.q5_0, 0.053), (.q5_1, 0.047), (.q5_K, 0.048),
        (.q4_0, 0.107), (.q4_1, 0.097), (.q4_K, 0.099),
    ]

    static func gaussian(_ count: Int, seed: UInt64) -> [Float] {
        var random = SamplingRandom(seed: seed)
        return (0..<count).map { _ in
            let u = Float.random(in: Float.ulpOfOne...1, using: &random), v = Float.random(in: 0...1, using: &random)
            return (-2 * logf(u)).squareRoot() * cosf(2 * .pi * v)
        }
    }

    @Test("every type's round trip stays within its rounding error", arguments: bounds)
    func roundTrip(type: GGMLType, bound: Double) {
        let values = Self.gaussian(64 * 512, seed: UInt64(type.rawValue))
        let bytes = values.withUnsafeBufferPointer { Quantizer.quantize($0, as: type) }
        #expect(bytes.count == values.count / type.blockSize * type.bytesPerBlock)
        var back = [Float](repeating: .nan, count: values.count)
        bytes.withUnsafeBytes { raw in back.withUnsafeMutableBufferPointer { Dequantize.elements(values.count, of: type, from: raw, into: $0) } }
        let error = zip(values, back).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
        let power = values.reduce(0.0) { $0 + Double($1 * $1) }
        let relative = (error / power).squareRoot()
        print("\(type): relative RMS error \(relative)")
        #expect(relative < bound, "\(type): \(relative)")
        // Zeros stay zeros (no NaN from a zero scale).
        let zeros = [Float](repeating: 0, count: 256)
        let quantizedZeros = zeros.withUnsafeBufferPointer { Quantizer.quantize($0, as: type) }
        var readZeros = [Float](repeating: .nan, count: 256)
        quantizedZeros.withUnsafeBytes { raw in readZeros.withUnsafeMutableBufferPointer { Dequantize.elements(256, of: type, from: raw, into: $0) } }
        #expect(readZeros.allSatisfy { $0 == 0 })
    }

    @Test("Q4_K_M gives the output head and half the value and down projections Q6_K, the rest Q4_K; odd widths fall back")
    func recipe() {
        let target = QuantizeTarget.q4KM
        #expect(target.type(of: "output.weight", dimensions: [512, 1000], layers: 24) == .q6_K)
        #expect(target.type(of: "blk.0.attn_v.weight", dimensions: [512, 128], layers: 24) == .q6_K)
        #expect(target.type(of: "blk.3.attn_v.weight", dimensions: [512, 128], layers: 24) == .q4_K)
        #expect(target.type(of: "blk.5.ffn_down.weight", dimensions: [1024, 512], layers: 24) == .q6_K, "(5 − 3) mod 3 = 2")
        #expect(target.type(of: "blk.23.ffn_down.weight", dimensions: [1024, 512], layers: 24) == .q6_K)
        #expect(target.type(of: "blk.4.attn_q.weight", dimensions: [512, 512], layers: 24) == .q4_K)
        #expect(target.type(of: "blk.4.attn_q.weight", dimensions: [576, 576], layers: 24) == .q5_0, "576 is no whole superblock")
        #expect(target.type(of: "output.weight", dimensions: [576, 1000], layers: 24) == .q8_0)
        #expect(target.type(of: "blk.0.attn_norm.weight", dimensions: [512], layers: 24) == nil)
        #expect(QuantizeTarget(name: "q4_k_m") == .q4KM && QuantizeTarget(name: "Q6_K") == .uniform(.q6_K) && QuantizeTarget(name: "Q2_K") == nil)
    }

    /// A float model whose widths are whole superblocks.
    static let model = SyntheticModel(name: "llama for quantizing", dimension: 256, heads: 4, kvHeads: 2, feedForward: 512, vocabulary: 300,
                                      separateOutput: true, seed: 11)

    @Test("quantized models load in mowai, predict what the float model predicts, and read the same in the gguf package",
          .enabled(if: SyntheticModelTests.hasReference, "needs python3 with numpy and gguf (make setup installs them)"))
    func quantizedModels() throws {
        try Self.model.withFile { path in
            let tokens: [Int32] = [1, 17, 42, 99, 0, 63]
            let float = try ForwardTests.logits(tokens, context: CPUBackend(model: try LlamaModel(file: try GGUFModelFile(path: path)), threads: 2, contextLength: 16))
            // Random weights have no structure quantization could spare: measured KL 2e-4 to 4e-4 for Q8_0 and
            // 0.02 to 0.07 for the 4-bit types; a wrong offset or layout gives KL above 1.
            for (target, bound) in [(QuantizeTarget.uniform(.q8_0), 2e-3), (.q4KM, 0.15), (.uniform(.q4_0), 0.15)] {
                let output = path + ".\(target).gguf"
                defer { try? FileManager.default.removeItem(atPath: output) }
                var steps: [ModelQuantizer.Step] = []
                try ModelQuantizer.run(input: try GGUFModelFile(path: path), output: output, target: target) { steps.append($0) }
                #expect(steps.count == Self.model.tensors.count && steps.last?.index == steps.count)
                let file = try GGUFModelFile(path: output)
                #expect(file.gguf.metadata["general.architecture"]?.string == "llama")
                let quantized = try ForwardTests.logits(tokens, context: CPUBackend(model: try LlamaModel(file: file), threads: 2, contextLength: 16))
                for position in tokens.indices {
                    let kl = klDivergence(float[position], quantized[position])
                    #expect(kl < bound, "\(target) position \(position): KL \(kl)")
                }
                // The gguf package reads every tensor where mowai does, and gets the same values.
                let name = "blk.1.ffn_down.weight"
                let tensor = try #require(file.gguf.tensor(named: name))
                var ours = [Float](repeating: 0, count: tensor.elementCount)
                ours.withUnsafeMutableBufferPointer {
                    Dequantize.elements(tensor.elementCount, of: tensor.type, from: UnsafeRawBufferPointer(rebasing: file.mapping.bytes[tensor.offset...]), into: $0)
                }
                let script = "import sys, numpy as np\nfrom gguf import GGUFReader\nfrom gguf.quants import dequantize\n"
                    + "t = next(t for t in GGUFReader(sys.argv[1]).tensors if t.name == sys.argv[2])\n"
                    + "sys.stdout.write(t.tensor_type.name + ' ' + ' '.join(repr(float(v)) for v in dequantize(t.data, t.tensor_type).reshape(-1)[:64]))"
                let theirs = String(decoding: try PythonReference.inline(script, [output, name]), as: UTF8.self).split(separator: " ")
                #expect(theirs.first.map(String.init) == tensor.type.description)
                #expect(theirs.dropFirst().compactMap { Float(String($0)) } == Array(ours.prefix(64)), "\(target) \(name)")
            }
        }
    }

    @Test("refusals: the input as output, an already quantized tensor, a place that cannot be written; nothing partial is left")
    func refusals() throws {
        try Self.model.withFile { path in
            let input = try GGUFModelFile(path: path)
            #expect(throws: QuantizeError.sameFile(path)) { try ModelQuantizer.run(input: input, output: path, target: .q4KM) }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mowai-quantize-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let first = directory.appendingPathComponent("q4_0.gguf").path
            try ModelQuantizer.run(input: input, output: first, target: .uniform(.q4_0))
            #expect(throws: QuantizeError.alreadyQuantized(tensor: "token_embd.weight", type: .q4_0)) {
                try ModelQuantizer.run(input: try GGUFModelFile(path: first), output: directory.appendingPathComponent("again.gguf").path, target: .uniform(.q8_0))
            }
            let nowhere = directory.appendingPathComponent("missing/out.gguf").path
            #expect {
                try ModelQuantizer.run(input: input, output: nowhere, target: .q4KM)
            } throws: { error in
                guard case QuantizeError.write(let failed, _)? = error as? QuantizeError else { return false }
                return failed == nowhere
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["q4_0.gguf"])
        }
    }

    @Test("mowai quantize: progress on stderr, an unknown type refused with the list",
          .enabled(if: DefaultModel.isPresent, "run `make setup` to fetch the default model"))
    func command() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("mowai-q8-\(UUID().uuidString).gguf").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let refused = try MowaiCommand.run(["quantize", DefaultModel.path, output, "Q8_0"])
        #expect(refused.status == 1 && refused.errors.contains("is already Q4_1") && refused.errors.contains("--allow-requantize"), "\(refused.errors)")
        #expect(!FileManager.default.fileExists(atPath: output))
        let done = try MowaiCommand.run(["quantize", DefaultModel.path, output, "Q8_0", "--allow-requantize"])
        #expect(done.status == 0, "\(done.errors)")
        #expect(done.errors.contains("[  1/272] ") && done.errors.contains("Q4_1 → Q8_0") && done.errors.contains("mowai: wrote"), "\(done.errors)")
        let answer = try MowaiCommand.run(["generate", "--model", output, "--chat", "--prompt", "What is the capital of France?", "--temp", "0", "--max-tokens", "12"])
        #expect(answer.output.contains("Paris"), "\(answer.output)")
        let unknown = try MowaiCommand.run(["quantize", DefaultModel.path, output, "Q3_K"])
        #expect(unknown.status != 0 && unknown.errors.contains("unknown type Q3_K: use one of Q4_0, Q4_1"), "\(unknown.errors)")
    }
}

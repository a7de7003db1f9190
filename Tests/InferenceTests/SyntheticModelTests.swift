import Foundation
@testable import Inference
import ModelFixtures
import Testing

/// The forward pass on tiny random models against numpy (Tests/Interop/forward_reference.py), for the
/// parts of the architecture the default model does not use; and the files `LlamaModel` must refuse.
@Suite("Synthetic models")
struct SyntheticModelTests {
    static let hasReference = PythonReference.canImport("gguf.quants", "numpy")
    /// Includes the last token id, so an off-by-one row of the embedding or output head shows.
    static let tokens: [Int32] = [1, 17, 42, 99, 0, 63]

    /// With float weights the kernels keep activations float (no 8-bit rounding), so the only
    /// difference from numpy's float64 is float32 summation and cosf/sinf: under 1e-5 measured, with
    /// the AVX2 and the portable kernels alike. F16 weights are the same halves on both sides and
    /// measured no worse; their looser bound leaves room for a kernel that widens them differently. A
    /// wrong RoPE layout, missing biases, unapplied frequency factors or misgrouped KV heads each moved
    /// some logit by more than 1 when tried.
    static let models: [(SyntheticModel, tolerance: Float)] = [
        (SyntheticModel(name: "llama, tied embeddings", seed: 1), 1e-4),
        (SyntheticModel(name: "llama, separate output head, Llama 3.1 RoPE frequency factors", ropeBase: 500_000,
                        separateOutput: true, ropeFrequencyFactors: true, seed: 2), 1e-4),
        (SyntheticModel(name: "qwen2, QKV biases, halves RoPE, separate output head", architecture: "qwen2", ropeBase: 1_000_000, epsilon: 1e-6,
                        separateOutput: true, seed: 3), 1e-4),
        (SyntheticModel(name: "qwen2, F16 weights", architecture: "qwen2", ropeBase: 1_000_000, epsilon: 1e-6,
                        weightType: .f16, seed: 4), 1e-3),
        (SyntheticModel(name: "phi3, fused QKV and gate/up, separate output head", architecture: "phi3", kvHeads: 4, separateOutput: true, seed: 5), 1e-4),
        (SyntheticModel(name: "phi3, LongRoPE short factors and attention factor, grouped heads", architecture: "phi3", separateOutput: true,
                        seed: 6, longRope: true), 1e-4),
        (SyntheticModel(name: "phi3, a sliding window of 3 positions", architecture: "phi3", separateOutput: true, seed: 7, slidingWindow: 3), 1e-4),
        (SyntheticModel(name: "llama, 4 heads of 32 in a 64-wide model (attention.key_length)", seed: 8, keyLength: 32), 1e-4),
        (SyntheticModel(name: "gemma3, 7 layers (one global), a window of 3, heads of 32, head norms and post norms, GELU", architecture: "gemma3",
                        layers: 7, ropeBase: 1_000_000, epsilon: 1e-6, seed: 10, slidingWindow: 3, keyLength: 32), 1e-4),
        (SyntheticModel(name: "qwen2, 4 heads of 8 in a 64-wide model, biases", architecture: "qwen2", ropeBase: 1_000_000, epsilon: 1e-6,
                        separateOutput: true, seed: 9, keyLength: 8), 1e-4),
    ]

    @Test("logits at every position match numpy's", .enabled(if: hasReference, "needs python3 with numpy and gguf (make setup installs them)"),
          arguments: models)
    func matchesReference(_ model: SyntheticModel, tolerance: Float) throws {
        try model.withFile { path in
            let context = CPUBackend(model: try LlamaModel(file: try GGUFModelFile(path: path)), threads: 2, contextLength: 16)
            let actual = try ForwardTests.logits(Self.tokens, context: context)
            struct Result: Decodable { let logits: [[Float]] }
            let output = try PythonReference.script("forward_reference.py", ["--context", "16", path] + Self.tokens.map(String.init))
            let expected = try JSONDecoder().decode(Result.self, from: output).logits
            try #require(expected.count == Self.tokens.count && expected.allSatisfy { $0.count == model.vocabulary })
            for position in Self.tokens.indices {
                let difference = zip(actual[position], expected[position]).map { abs($0 - $1) }.max() ?? .nan
                #expect(difference < tolerance, "position \(position): logits differ by up to \(difference)")
            }
            // Not a vacuous comparison: each position's logits depend on the tokens before it.
            let spread = zip(expected[3], expected[2]).map { abs($0 - $1) }.max() ?? 0
            #expect(spread > 0.5)
        }
    }

    @Test("Phi-3 beyond its original context takes the long LongRoPE factors, as numpy does",
          .enabled(if: hasReference, "needs python3 with numpy and gguf (make setup installs them)"))
    func longRopeFactors() throws {
        let model = SyntheticModel(name: "phi3 LongRoPE", architecture: "phi3", separateOutput: true, seed: 6, longRope: true)
        try model.withFile { path in
            let llama = try LlamaModel(file: try GGUFModelFile(path: path))
            struct Result: Decodable { let logits: [[Float]] }
            let long = try Self.logits(llama, context: 32), short = try Self.logits(llama, context: 16)
            let output = try PythonReference.script("forward_reference.py", ["--context", "32", path] + Self.tokens.map(String.init))
            let expected = try JSONDecoder().decode(Result.self, from: output).logits
            for position in Self.tokens.indices {
                let difference = zip(long[position], expected[position]).map { abs($0 - $1) }.max() ?? .nan
                #expect(difference < 1e-4, "position \(position): logits differ by up to \(difference)")
            }
            // Not vacuous: the long factors turn later positions differently from the short ones.
            let moved = zip(long[5], short[5]).map { abs($0 - $1) }.max() ?? 0
            #expect(moved > 0.01, "long and short factors give logits within \(moved)")
        }
    }

    static func logits(_ model: LlamaModel, context: Int) throws -> [[Float]] {
        try ForwardTests.logits(tokens, context: CPUBackend(model: model, threads: 2, contextLength: context))
    }

    @Test("architectures other than llama, qwen2, phi3 and gemma3 are refused by name")
    func refusesArchitectures() throws {
        for architecture in ["gpt2", "mamba"] {
            let model = SyntheticModel(name: architecture, architecture: architecture)
            let error = try model.withFile { path in
                #expect(throws: GGUFError.self) { try LlamaModel(file: try GGUFModelFile(path: path)) }
            }
            let message = try #require(error).description
            #expect(message.contains("architecture \(architecture) is not supported"), "\(message)")
            #expect(message.contains("llama, qwen2, phi3, gemma3"), "\(message)")
        }
    }

    @Test("a tensor of a type the kernels cannot compute with is refused, naming the tensor and the type")
    func refusesTensorTypes() throws {
        let model = SyntheticModel(name: "Q2_K", retyped: ["blk.1.ffn_up.weight": .q2_K])
        let error = try model.withFile { path in
            #expect(throws: GGUFError.self) { try LlamaModel(file: try GGUFModelFile(path: path)) }
        }
        let message = try #require(error).description
        #expect(message.contains("tensor blk.1.ffn_up.weight has type Q2_K"), "\(message)")
        #expect(message.contains("Q4_K"), "names the types it runs: \(message)")
    }

    @Test("a missing tensor is refused by name", arguments: [
        SyntheticModel(name: "llama without blk.1.ffn_down.weight", omitted: ["blk.1.ffn_down.weight"]),
        SyntheticModel(name: "qwen2 without blk.0.attn_k.bias", architecture: "qwen2", omitted: ["blk.0.attn_k.bias"]),
    ])
    func refusesMissingTensors(_ model: SyntheticModel) throws {
        let error = try model.withFile { path in
            #expect(throws: GGUFError.self) { try LlamaModel(file: try GGUFModelFile(path: path)) }
        }
        let message = try #require(error).description
        #expect(message.contains("tensor \(model.omitted.first ?? "") is missing"), "\(message)")
    }
}

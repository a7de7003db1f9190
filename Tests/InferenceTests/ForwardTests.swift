import Foundation
@testable import Inference
import Testing

/// The forward pass against numpy (Tests/Interop/forward_reference.py) on the default model.
@Suite("Llama forward pass")
struct ForwardTests {
    static let hasReference = DefaultModel.isPresent && PythonReference.canImport("gguf.quants", "numpy")

    static func reference(_ tokens: [Int32]) throws -> [[Float]] {
        struct Result: Decodable { let logits: [[Float]] }
        let output = try PythonReference.script("forward_reference.py", [DefaultModel.path] + tokens.map(String.init))
        return try JSONDecoder().decode(Result.self, from: output).logits
    }

    @Test("logits of every position match numpy within 0.02; the same tokens win",
          .enabled(if: hasReference, "needs the default model and python3 with gguf and numpy (make setup)"))
    func matchesReference() throws {
        let file = try GGUFModelFile(path: DefaultModel.path)
        let model = try LlamaModel(file: file)
        let tokenizer = try BPETokenizer(gguf: file.gguf)
        let tokens = tokenizer.encode("The capital of France is")
        let expected = try Self.reference(tokens)
        var session = LlamaSession(model: model)
        for (position, token) in tokens.enumerated() {
            let logits = session.forward(token)
            let difference = zip(logits, expected[position]).map { abs($0 - $1) }.max() ?? .infinity
            #expect(difference < 0.02, "position \(position): max |Δ| \(difference)")
            #expect(logits.indices.max { logits[$0] < logits[$1] } == expected[position].indices.max { expected[position][$0] < expected[position][$1] })
        }
    }

    @Test("greedy decoding says Paris",
          .enabled(if: DefaultModel.isPresent, "run `make setup` to fetch the default model"))
    func greedy() throws {
        let file = try GGUFModelFile(path: DefaultModel.path)
        let tokenizer = try BPETokenizer(gguf: file.gguf)
        var session = LlamaSession(model: try LlamaModel(file: file))
        var logits: [Float] = []
        for token in tokenizer.encode("The capital of France is") { logits = session.forward(token) }
        let next = Int32(logits.indices.max { logits[$0] < logits[$1] } ?? 0)
        #expect(tokenizer.decode([next]) == " Paris")
    }
}

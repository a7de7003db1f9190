import EndToEndSupport
import Foundation
@testable import Inference
import ModelFixtures
import Testing

/// The CPU backend's forward pass against numpy (Tests/Interop/forward_reference.py), which runs the
/// default model in float32 from the gguf package's dequantization: an independent implementation.
@Suite("Llama forward pass")
struct ForwardTests {
    static let hasReference = DefaultModel.isPresent && PythonReference.canImport("gguf.quants", "numpy")
    /// The backend quantizes each matrix's input to 8 bits, as llama.cpp's CPU backend does. That moves
    /// logits of magnitude 10–30 by up to about one, and which values round up or down is chaotic (it
    /// depends on float summation order), so no reference can match it value for value. What is checked
    /// is the predicted distribution: its KL divergence from exact float32 stays small at every position
    /// (numpy rounding the same way lands at 0.001–0.006 here; a wrong rotation or a misread block gives
    /// far more), on average within a small factor of the rounding's own, and the same tokens win.
    static let divergenceBound = 0.02
    static let roundingFactor = 3.0

    static func reference(_ tokens: [Int32], q8Activations: Bool) throws -> [[Float]] {
        struct Result: Decodable { let logits: [[Float]] }
        let options = q8Activations ? ["--q8-activations"] : []
        let output = try PythonReference.script("forward_reference.py", options + [DefaultModel.path] + tokens.map(String.init))
        return try JSONDecoder().decode(Result.self, from: output).logits
    }

    static func model() throws -> (LlamaModel, Tokenizer) {
        let file = try GGUFModelFile(path: DefaultModel.path)
        return (try LlamaModel(file: file), try Tokenizer(gguf: file.gguf))
    }

    /// Logits after every token, from one batch.
    static func logits(_ tokens: [Int32], context: CPUBackend, sequence: Int = 0) throws -> [[Float]] {
        context.clearBatch()
        for (position, token) in tokens.enumerated() {
            try context.append(token, sequence: sequence, position: position, wantsLogits: true)
        }
        context.evaluate()
        return (0..<tokens.count).map { Array(context.logits(row: $0)) }
    }

    static func argmax(_ values: [Float]) -> Int? { values.indices.max { values[$0] < values[$1] } }

    @Test("logits at every position are as close to numpy's float32 as 8-bit activations allow; the same tokens win",
          .enabled(if: hasReference, "needs the default model and python3 with gguf and numpy (make setup)"))
    func matchesReference() throws {
        let (model, tokenizer) = try Self.model()
        let tokens = tokenizer.encode("The capital of France is")
        let actual = try Self.logits(tokens, context: CPUBackend(model: model, threads: 2, contextLength: 64))
        let exact = try Self.reference(tokens, q8Activations: false)
        let rounded = try Self.reference(tokens, q8Activations: true)
        var ours: [Double] = [], rounding: [Double] = []
        for position in tokens.indices {
            ours.append(klDivergence(exact[position], actual[position]))
            rounding.append(klDivergence(exact[position], rounded[position]))
            #expect(ours[position] < Self.divergenceBound, "position \(position): KL \(ours[position])")
            #expect(Self.argmax(actual[position]) == Self.argmax(exact[position]), "position \(position)")
        }
        let (mean, roundingMean) = (ours.reduce(0, +) / Double(ours.count), rounding.reduce(0, +) / Double(rounding.count))
        #expect(mean < roundingMean * Self.roundingFactor, "mean KL \(mean); numpy's 8-bit rounding alone \(roundingMean)")
    }

    @Test("one token at a time, in batches, on one or two threads: the same logits, bit for bit",
          .enabled(if: DefaultModel.isPresent, "run `make setup` to fetch the default model"))
    func batchingChangesNothing() throws {
        let (model, tokenizer) = try Self.model()
        try Self.expectBatchInvariance(model, tokenizer.encode("Once upon a time, in a land far away, there lived a"), contextLength: 64)
    }

    /// The logits of `tokens` fed one at a time on one thread, all at once on two, and in batches of 5
    /// (a prompt longer than the batch) must be the same, bit for bit.
    static func expectBatchInvariance(_ model: LlamaModel, _ tokens: [Int32], contextLength: Int,
                                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        let batched = try logits(tokens, context: CPUBackend(model: model, threads: 2, contextLength: contextLength))
        let single = CPUBackend(model: model, threads: 1, contextLength: contextLength, batchCapacity: 1)
        for (position, token) in tokens.enumerated() {
            single.clearBatch()
            try single.append(token, sequence: 0, position: position, wantsLogits: true)
            single.evaluate()
            #expect(Array(single.logits(row: 0)) == batched[position], "position \(position)", sourceLocation: sourceLocation)
        }
        let chunked = CPUBackend(model: model, threads: 2, contextLength: contextLength, batchCapacity: 5)
        #expect(Array(try chunked.prefill(tokens[...], sequence: 0, from: 0)) == batched.last, sourceLocation: sourceLocation)
    }

    @Test("two sequences in one batch see only their own cache",
          .enabled(if: DefaultModel.isPresent, "run `make setup` to fetch the default model"))
    func sequencesAreIndependent() throws {
        let (model, tokenizer) = try Self.model()
        let first = tokenizer.encode("The capital of France is")
        let second = tokenizer.encode("My favourite colour is")
        let context = CPUBackend(model: model, threads: 2, sequences: 2, contextLength: 64)
        let alone = try Self.logits(second, context: context, sequence: 1)
        _ = try Self.logits(first, context: context, sequence: 0)
        // Interleave: both sequences' tokens in one batch, the second from scratch again.
        context.clearBatch()
        for position in 0..<max(first.count, second.count) {
            if position < second.count { try context.append(second[position], sequence: 1, position: position, wantsLogits: position == second.count - 1) }
        }
        try context.append(tokenizer.encode(" Paris")[0], sequence: 0, position: first.count, wantsLogits: false)
        context.evaluate()
        #expect(Array(context.logits(row: 0)) == alone.last)
    }

    @Test("positions beyond the context and unknown sequences are refused",
          .enabled(if: DefaultModel.isPresent, "run `make setup` to fetch the default model"))
    func refusesOutOfRange() throws {
        let (model, _) = try Self.model()
        let context = CPUBackend(model: model, threads: 1, sequences: 1, contextLength: 8, batchCapacity: 2)
        #expect(throws: TokenBatch.Refusal.positionOutOfRange(position: 8, contextLength: 8)) {
            try context.append(1, sequence: 0, position: 8, wantsLogits: true)
        }
        #expect(throws: TokenBatch.Refusal.noSuchSequence(1)) { try context.append(1, sequence: 1, position: 0, wantsLogits: true) }
        try context.append(1, sequence: 0, position: 0, wantsLogits: false)
        try context.append(1, sequence: 0, position: 1, wantsLogits: false)
        #expect(throws: TokenBatch.Refusal.batchFull(capacity: 2)) { try context.append(1, sequence: 0, position: 2, wantsLogits: false) }
    }

    @Test("greedy decoding says Paris",
          .enabled(if: DefaultModel.isPresent, "run `make setup` to fetch the default model"))
    func greedy() throws {
        let (model, tokenizer) = try Self.model()
        let context = CPUBackend(model: model, threads: 1, contextLength: 64)
        let logits = try context.prefill(tokenizer.encode("The capital of France is")[...], sequence: 0, from: 0)
        #expect(tokenizer.decode([Sampler.argmax(logits)]) == " Paris")
    }
}

import EndToEndSupport
import Foundation
@testable import Inference
import ModelFixtures
import Testing
import LLMInterface

/// Gemma 3 270M (Q4_K_M: Q4_K, Q5_0, Q6_K and Q8_0 tensors, a SentencePiece vocabulary of 262,144
/// pieces), the model `make setup` fetches for what the default model never exercises.
@Suite("Gemma 3", .serialized, .enabled(if: GemmaModel.isPresent, "run `make setup` to fetch Gemma 3 270M"))
struct GemmaTests {
    static let hasReference = PythonReference.canImport("gguf.quants", "numpy", "tokenizers")

    @Test("its tokenizer gives Hugging Face's ids for tricky text", .enabled(if: hasReference, "needs python3 with gguf and tokenizers"))
    func tokenizer() throws {
        let file = try GGUFModelFile(path: GemmaModel.path)
        let tokenizer = try Tokenizer(gguf: file.gguf)
        let texts = ["The three primary colors are", "  two leading spaces and a trailing one ", "naïve café — 日本語 🤖 ﬁ",
                     "numbers 1234567 and 3.14159", "tabs\tand\nnew\n\nlines", "<start_of_turn>user\nHi there<end_of_turn>\n",
                     "unknownish: ⟨∰⟩ \u{0}", "Straße ÆØÅ ĳ"]
        let output = try PythonReference.script("tokenize_reference.py", [GemmaModel.path], input: try JSONEncoder().encode(texts))
        let expected = try JSONDecoder().decode([[Int32]].self, from: output)
        #expect(tokenizer.addsBOS && tokenizer.bosToken == 2)
        for (text, ids) in zip(texts, expected) {
            var ours = tokenizer.encode(text)
            if ours.first == tokenizer.bosToken { ours.removeFirst() }
            #expect(ours == ids, "\(text.debugDescription)")
        }
    }

    /// Gemma's Q5_0, Q4_K and Q6_K matrices go through the packed kernels (8 rows at a time), which the
    /// default model's Q4_1 does not: batching must change nothing there either.
    @Test("one token at a time, in batches, on one or two threads: the same logits, bit for bit")
    func batchingChangesNothing() throws {
        let file = try GGUFModelFile(path: GemmaModel.path)
        let model = try LlamaModel(file: file)
        let tokens = try Tokenizer(gguf: file.gguf).encode("The three primary colors are red, yellow and")
        try ForwardTests.expectBatchInvariance(model, tokens, contextLength: 32)
    }

    /// Against numpy's float32 the CPU backend's 8-bit activations cost about as much as on the default
    /// model (ForwardTests: KL 0.001–0.006); a wrong norm, head norm, window or RoPE base moves it past 0.1.
    @Test("the forward pass matches numpy's float32 at every position of a prompt", .enabled(if: hasReference, "needs python3 with gguf and numpy"))
    func forward() throws {
        let file = try GGUFModelFile(path: GemmaModel.path)
        let model = try LlamaModel(file: file)
        let tokens = try Tokenizer(gguf: file.gguf).encode("The three primary colors are")
        let actual = try ForwardTests.logits(tokens, context: CPUBackend(model: model, threads: 2, contextLength: 32))
        struct Result: Decodable { let logits: [[Float]] }
        let output = try PythonReference.script("forward_reference.py", [GemmaModel.path] + tokens.map(String.init))
        let exact = try JSONDecoder().decode(Result.self, from: output).logits
        for position in tokens.indices {
            let kl = klDivergence(exact[position], actual[position])
            print("Gemma 3 position \(position): KL \(kl)")
            #expect(kl < 0.03, "position \(position): KL \(kl)")
        }
        #expect(ForwardTests.argmax(actual.last!) == ForwardTests.argmax(exact.last!))
    }

    @Test("greedy completions are sensible English")
    func completions() async throws {
        let llm = try LocalLLM(file: GGUFModelFile(path: GemmaModel.path), threads: 2, sequences: 1, contextLength: 128)
        #expect(llm.template == .gemma)
        let (text, _) = try await LocalLLMTests.collect(llm, GenerationRequest(prompt: .text("The three primary colors are"), sampling: .greedy, maxTokens: 12))
        for color in ["red", "blue", "yellow"] { #expect(text.lowercased().contains(color), "\(text)") }
        // A base model of 270M parameters continues text rather than answering: English prose, mostly words.
        let (story, _) = try await LocalLLMTests.collect(llm, GenerationRequest(prompt: .text("Once upon a time, in a small village,"),
                                                                                 sampling: .greedy, maxTokens: 40))
        let words = story.split { !$0.isLetter && $0 != "'" }
        let common = Set(words.map { $0.lowercased() }).intersection(["the", "a", "and", "was", "of", "in", "to", "he", "she", "there"])
        #expect(words.count >= 20 && common.count >= 3, "\(story)")
    }
}

import EndToEndSupport
import Foundation
@testable import Inference
import ModelFixtures
import Testing

/// `Tokenizer(gguf:)`: the model, pre-tokenizer, BOS and end-of-generation rules a GGUF's metadata names.
@Suite("Tokenizer chosen from GGUF metadata")
struct TokenizerSelectionTests {
    /// A tiny byte-level BPE vocabulary: "abc" is a token no merge reaches.
    static func byteLevel(pre: String?, extra: [(key: String, value: GGUFValue)] = []) -> TokenizerFixture {
        let tokens = ["<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>", "<|im_end|>", "a", "b", "c", "Ġ", "ab", "abc", "Ġa"]
        let types: [TokenType] = [.control, .control, .control, .normal, .normal, .normal, .normal, .normal, .normal, .normal, .normal]
        var metadata: [(key: String, value: GGUFValue)] = [
            ("tokenizer.ggml.model", .string("gpt2")),
            ("tokenizer.ggml.tokens", .array(tokens.map(GGUFValue.string))),
            ("tokenizer.ggml.token_type", .array(types.map { .int(Int64($0.rawValue)) })),
            ("tokenizer.ggml.merges", .array(["a b", "Ġ a"].map(GGUFValue.string))),
            ("tokenizer.ggml.bos_token_id", .uint(0)),
            ("tokenizer.ggml.eos_token_id", .uint(1)),
        ]
        if let pre { metadata.append(("tokenizer.ggml.pre", .string(pre))) }
        return TokenizerFixture(metadata: metadata + extra)
    }

    @Test("gpt2 is byte-level BPE, llama SentencePiece; other tokenizers are refused by name")
    func model() throws {
        guard case .byteLevel(let bpe) = try Self.byteLevel(pre: "qwen2").tokenizer() else {
            Issue.record("gpt2 is not byte-level BPE")
            return
        }
        #expect(bpe.preTokenizer == .qwen2)
        guard case .sentencePiece = try TokenizerFixture.sentencePiece(pieces: [("▁", 0)]).tokenizer() else {
            Issue.record("llama is not SentencePiece BPE")
            return
        }
        let bert = TokenizerFixture(metadata: [("tokenizer.ggml.model", .string("bert")), ("tokenizer.ggml.tokens", .array([.string("[CLS]")]))])
        #expect(throws: GGUFError.self) { try bert.tokenizer() }
        do {
            _ = try bert.tokenizer()
        } catch {
            #expect("\(error)".contains("\"bert\""), "\(error)")
        }
        #expect(throws: GGUFError.self) { try TokenizerFixture(metadata: []).tokenizer() }
        #expect(PreTokenizer(ggufName: "an unknown pre-tokenizer") == .gpt2)
        #expect(try Self.byteLevel(pre: "something-new").tokenizer().encode("ab") == [8])
    }

    @Test("Llama 3 adds BOS unless add_bos_token says no, other byte-level vocabularies only if it says yes")
    func beginningOfText() throws {
        #expect(try Self.byteLevel(pre: "llama-bpe").tokenizer().encode("ab") == [0, 8])
        #expect(try Self.byteLevel(pre: "llama-bpe", extra: [("tokenizer.ggml.add_bos_token", .bool(false))]).tokenizer().addsBOS == false)
        #expect(try Self.byteLevel(pre: "qwen2").tokenizer().addsBOS == false)
        #expect(try Self.byteLevel(pre: "smollm", extra: [("tokenizer.ggml.add_bos_token", .bool(true))]).tokenizer().addsBOS)
        let llama3 = try Self.byteLevel(pre: "llama-bpe").tokenizer()
        #expect(llama3.decode(llama3.encode("ab a")) == "ab a")
    }

    @Test("Llama 3 takes a word that is a token whole, even where no merge reaches it")
    func ignoresMerges() throws {
        #expect(try Self.byteLevel(pre: "llama-bpe").tokenizer().encode("abc").dropFirst() == [9])
        #expect(try Self.byteLevel(pre: "gpt2").tokenizer().encode("abc") == [8, 6])
    }

    @Test("generation ends at the eos, the eot_token_id, and end-of-turn control tokens, not at normal tokens of that name")
    func endOfGeneration() throws {
        let tokenizer = try Self.byteLevel(pre: "llama-bpe", extra: [("tokenizer.ggml.eot_token_id", .uint(10))]).tokenizer()
        #expect(tokenizer.isEndOfGeneration(1), "eos")
        #expect(tokenizer.isEndOfGeneration(2), "<|eot_id|>")
        #expect(tokenizer.isEndOfGeneration(10), "eot_token_id")
        #expect(!tokenizer.isEndOfGeneration(3), "<|im_end|> is a normal token here")
        #expect(!tokenizer.isEndOfGeneration(0))
        #expect(!tokenizer.isEndOfGeneration(4))
    }

    static let hasDefaultModel = DefaultModel.isPresent
    static let hasReference = DefaultModel.isPresent && PythonReference.canImport("gguf", "tokenizers")

    @Test("the default model: byte-level BPE, no BOS, ends at <|im_end|> and <|endoftext|>",
          .enabled(if: hasDefaultModel, "run `make setup` to fetch the default model"))
    func defaultModel() throws {
        let tokenizer = try Tokenizer(gguf: GGUFModelFile(path: DefaultModel.path).gguf)
        guard case .byteLevel(let bpe) = tokenizer else {
            Issue.record("SmolLM2 is byte-level BPE")
            return
        }
        #expect(bpe.preTokenizer == .smollm)
        #expect(!tokenizer.addsBOS)
        #expect(tokenizer.encode("Hello world <|im_start|>") == [19556, 905, 216, 1])
        #expect(tokenizer.isEndOfGeneration(2) && tokenizer.isEndOfGeneration(0))
        #expect(!tokenizer.isEndOfGeneration(1))
    }

    /// SmolLM2's 49 152 tokens and merges, split by another model's rules: a real vocabulary for
    /// pre-tokenizers no installed model uses.
    static func smolVocabulary(pre: String) throws -> TokenizerFixture {
        let gguf = try GGUFModelFile(path: DefaultModel.path).gguf
        let keys = ["tokenizer.ggml.model", "tokenizer.ggml.tokens", "tokenizer.ggml.token_type", "tokenizer.ggml.merges",
                    "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id"]
        return TokenizerFixture(metadata: keys.compactMap { key in gguf.metadata[key].map { (key, $0) } }
                                    + [("tokenizer.ggml.pre", .string(pre))])
    }

    @Test("Llama 3 and Qwen2 rules over a real vocabulary match Hugging Face's BPE", .enabled(if: hasReference, "needs the default model and python3 with gguf and tokenizers"),
          arguments: ["llama-bpe", "qwen2"])
    func matchesReference(pre: String) throws {
        let fixture = try Self.smolVocabulary(pre: pre)
        let tokenizer = try fixture.tokenizer()
        let samples = PreTokenizerTests.samples
        let expected = try fixture.referenceIDs(samples)
        for (text, ids) in zip(samples, expected) {
            #expect(Array(tokenizer.encode(text).dropFirst(tokenizer.addsBOS ? 1 : 0)) == ids, "\(pre) \(text.debugDescription)")
            if !text.contains("<|") { #expect(tokenizer.decode(tokenizer.encode(text)) == text) }
        }
    }
}

import ArenaProtocol
import Foundation
@testable import Inference
import ModelFixtures
import Testing

/// The hand-written pre-tokenizers against Hugging Face's regex split of the same patterns.
@Suite("Pre-tokenizers (GPT-2, SmolLM2, Llama 3, Qwen2)")
struct PreTokenizerTests {
    static let samples = TokenizerTests.samples + [
        "DON'T I'M WE'RE THEY'VE YOU'LL HE'D IT'S", "'hello 'Twas rock'n'roll", "12345678 3.14159 -0.5e10", "x  \n  y",
        "\r\n\r\n", " \n", "a\n\n\tb", "tab\t\tend\t", "  ", " ", "\n", "foo!!!\n\nbar", "(x) => {\n  return x;\n}\n",
        "٣٤٥ ⅫⅢ ½ ²", "\u{3000}全角 スペース", "price: $1,299.99!", "a.b,c;d", "\t\tword", "  \t x", "...abc", "end.\r\n",
        "emoji👍🏽word", "under_score __init__", "naïve\u{2003}em space", "'", "'s", "x'", "$", "A1B2C3",
    ]

    static let hasReference = PythonReference.canImport("tokenizers")

    static func reference(_ preTokenizer: PreTokenizer, _ texts: [String]) throws -> [[String]] {
        let output = try PythonReference.script("tokenize_reference.py", ["--pieces", preTokenizer.rawValue], input: try JSONEncoder().encode(texts))
        return try JSONDecoder().decode([[String]].self, from: output)
    }

    @Test("pieces match Hugging Face's split by the same regex", .enabled(if: hasReference, "needs python3 with tokenizers (make setup)"),
          arguments: PreTokenizer.allCases)
    func matchesReference(_ preTokenizer: PreTokenizer) throws {
        let expected = try Self.reference(preTokenizer, Self.samples)
        for (text, pieces) in zip(Self.samples, expected) {
            #expect(preTokenizer.pieces(text) == pieces, "\(preTokenizer) \(text.debugDescription)")
        }
    }

    /// Texts glued from the pieces the patterns treat differently, the same every run.
    static func randomTexts(count: Int, seed: UInt64) -> [String] {
        let atoms = [
            " ", "  ", "\t", "\n", "\r", "\r\n", "'", "s", "S", "t", "T", "re", "LL", "d", "'ve", "1", "23", "4567", "٣", "½",
            ".", "!", "(", "_", "$", "日本", "😀", "👍🏽", "\u{301}", "\u{A0}", "\u{3000}", "x", "word", "Éa", "-", "\u{2581}",
        ]
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            (0..<Int.random(in: 1...12, using: &generator)).map { _ in atoms.randomElement(using: &generator) ?? "" }.joined()
        }
    }

    @Test("pieces match Hugging Face's for 400 random texts of spaces, breaks, apostrophes, digits and symbols",
          .enabled(if: hasReference, "needs python3 with tokenizers (make setup)"), arguments: PreTokenizer.allCases)
    func matchesReferenceOnRandomTexts(_ preTokenizer: PreTokenizer) throws {
        let texts = Self.randomTexts(count: 400, seed: 7)
        let expected = try Self.reference(preTokenizer, texts)
        for (text, pieces) in zip(texts, expected) {
            #expect(preTokenizer.pieces(text) == pieces, "\(preTokenizer) \(text.debugDescription)")
        }
    }

    @Test("Llama 3: contractions in any case, numbers in threes, line breaks kept with the spaces before them")
    func llama3() {
        #expect(PreTokenizer.llama3.pieces("DON'T  shout 12345\n\n  x \r\n\tword ...a") ==
                ["DON", "'T", " ", " shout", " ", "123", "45", "\n\n", " ", " x", " \r\n", "\tword", " ...", "a"])
        #expect(PreTokenizer.llama3.pieces("ok!\n\nNext") == ["ok", "!\n\n", "Next"])
        #expect(PreTokenizer.llama3.pieces("e\u{301}") == ["e", "\u{301}"])
    }

    @Test("Qwen2: Llama 3's split with every digit apart")
    func qwen2() {
        #expect(PreTokenizer.qwen2.pieces("DON'T 2024") == ["DON", "'T", " ", "2", "0", "2", "4"])
    }

    @Test("GGUF names: llama-bpe and llama3 are Llama 3's, qwen2 Qwen2's, smollm SmolLM2's, anything else GPT-2's")
    func names() {
        #expect(PreTokenizer(ggufName: "llama-bpe") == .llama3)
        #expect(PreTokenizer(ggufName: "llama3") == .llama3)
        #expect(PreTokenizer(ggufName: "qwen2") == .qwen2)
        #expect(PreTokenizer(ggufName: "smollm") == .smollm)
        #expect(PreTokenizer(ggufName: "gpt-2") == .gpt2)
        #expect(PreTokenizer(ggufName: "tekken") == .gpt2)
        #expect(PreTokenizer(ggufName: nil) == .gpt2)
    }
}

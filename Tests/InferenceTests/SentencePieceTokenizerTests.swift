import Foundation
@testable import Inference
import ModelFixtures
import Testing

/// SentencePiece BPE (Llama 2, TinyLlama) on vocabularies built here, against Hugging Face's
/// conversion of the same vocabulary (Tests/Interop/tokenize_reference.py).
@Suite("SentencePiece BPE tokenizer")
struct SentencePieceTokenizerTests {
    static let corpus = """
        The quick brown fox jumps over the lazy dog. The dog sleeps, the fox runs away!
        It's a fine day; we're going to the market and they'll buy 12 apples for 3.50 dollars.
        DON'T SHOUT, said the teacher. She'd rather whisper: "quiet, please".
        func greet(name: String) -> String { return "Hello, " + name }
        for index in 0..<10 { print(index * 2) } // prints even numbers
        café naïve résumé: accents are letters too. Tabs\tand newlines
        the theory of the thing: there, then, these, those, other, mother, brother, together.
        """

    /// Learned from the corpus, plus runs of `▁` as Llama 2 has for indentation and a user-defined token.
    static let fixture = TokenizerFixture.learnedSentencePiece(
        corpus: corpus, merges: 160, extraPieces: [("▁▁", -0.25), ("▁▁▁▁", -0.5), ("<|user|>", 0)],
        types: ["<|user|>": .userDefined])

    static let samples = [
        "Hello world", "The quick brown fox", "  two  spaces", "    indented code", "trailing space ", " leading space",
        "\n\nnew lines\n", "tabs\tand\t\ttabs", "a\r\nb", "It's they're we'll", "DON'T SHOUT", "12345 3.14 -7",
        "日本語のテキスト", "emoji 😀👍🏽 and 🇫🇷 flags", "café naïve résumé", "e\u{301}", "zebra quizzically",
        "func f() -> Int { return 42 }\n    // comment", "<s>hi</s>", "x<unk>y", "<|user|>the dog<|user|>", "</s>",
        "", " ", "▁already", corpus,
    ]

    static let hasReference = PythonReference.canImport("gguf", "tokenizers")

    @Test("ids match Hugging Face's SentencePiece BPE for spaces, byte fallback, digits, CJK, emoji and special tokens",
          .enabled(if: hasReference, "needs python3 with gguf and tokenizers (make setup)"))
    func matchesReference() throws {
        let tokenizer = try Self.fixture.tokenizer()
        let expected = try Self.fixture.referenceIDs(Self.samples)
        for (text, ids) in zip(Self.samples, expected) {
            #expect(Array(tokenizer.encode(text).dropFirst()) == ids, "\(text.debugDescription)")
        }
    }

    @Test("ids match Hugging Face's for 400 random texts", .enabled(if: hasReference, "needs python3 with gguf and tokenizers (make setup)"))
    func matchesReferenceOnRandomTexts() throws {
        let tokenizer = try Self.fixture.tokenizer()
        let texts = PreTokenizerTests.randomTexts(count: 400, seed: 11).map { $0.replacingOccurrences(of: "x", with: "<s>") }
        let expected = try Self.fixture.referenceIDs(texts)
        for (text, ids) in zip(texts, expected) {
            #expect(Array(tokenizer.encode(text).dropFirst()) == ids, "\(text.debugDescription)")
        }
    }

    @Test("decoding gives the text back: the BOS and the leading space encode added are dropped")
    func roundTrip() throws {
        let tokenizer = try Self.fixture.tokenizer()
        // Special tokens get a space after them, and a `▁` written in the text comes back as a space.
        for text in Self.samples where !text.contains("<") && !text.contains("▁") {
            #expect(tokenizer.decode(tokenizer.encode(text)) == text, "\(text.debugDescription)")
        }
        #expect(tokenizer.decode(tokenizer.encode("<s>hi</s>")) == "<s> hi</s>", "a space leads the text after a special token")
        #expect(tokenizer.decode(tokenizer.encode("    indented code")) == "    indented code")
    }

    @Test("BOS first unless the file says no; ▁ for spaces; bytes for characters the vocabulary lacks")
    func basics() throws {
        let tokenizer = try Self.fixture.tokenizer()
        #expect(tokenizer.addsBOS)
        #expect(tokenizer.bosToken == 1 && tokenizer.eosToken == 2)
        #expect(tokenizer.encode("") == [1])
        let words = tokenizer.encode("the dog").dropFirst().map { tokenizer.tokens[Int($0)] }
        #expect(words == ["▁the", "▁dog"])
        let cjk = tokenizer.encode("語", parseSpecial: false).dropFirst().map { tokenizer.tokens[Int($0)] }
        #expect(cjk == ["▁", "<0xE8>", "<0xAA>", "<0x9E>"])
        #expect(tokenizer.bytes(of: tokenizer.encode("語")) == Array("<s> 語".utf8))

        let noBOS = TokenizerFixture(metadata: Self.fixture.metadata + [("tokenizer.ggml.add_bos_token", .bool(false)),
                                                                         ("tokenizer.ggml.add_space_prefix", .bool(false))])
        let plain = try noBOS.tokenizer()
        #expect(!plain.addsBOS)
        #expect(plain.encode("the").map { plain.tokens[Int($0)] }.allSatisfy { !$0.hasPrefix("▁") })
        #expect(plain.decode(plain.encode(" the dog")) == " the dog")
    }

    @Test("<s> is a token only with parseSpecial; a user-defined token always is")
    func specialTokens() throws {
        let tokenizer = try Self.fixture.tokenizer()
        #expect(tokenizer.encode("<s>", parseSpecial: true) == [1, 1])
        #expect(tokenizer.encode("<s>", parseSpecial: false).count > 2)
        let user = Int32(tokenizer.tokens.firstIndex(of: "<|user|>") ?? -1)
        #expect(tokenizer.encode("<|user|>", parseSpecial: false) == [1, user])
        #expect(tokenizer.isEndOfGeneration(2))
        #expect(!tokenizer.isEndOfGeneration(1))
    }

    @Test("the union with the highest score merges first, the leftmost among equals")
    func mergeOrder() throws {
        let pieces: [(String, Float)] = [("▁", -10), ("a", -11), ("b", -12), ("c", -13), ("▁a", -3), ("ab", -2), ("bc", -1), ("aa", -4)]
        let tokenizer = try TokenizerFixture.sentencePiece(pieces: pieces).tokenizer()
        func spelled(_ text: String) -> [String] { tokenizer.encode(text).dropFirst().map { tokenizer.tokens[Int($0)] } }
        #expect(spelled("abc") == ["▁a", "bc"])
        #expect(spelled("ab") == ["▁", "ab"])
        #expect(spelled("aaa") == ["▁a", "aa"])
        let flipped = try TokenizerFixture.sentencePiece(pieces: pieces.map { $0.0 == "ab" ? ("ab", -0.5) : $0 }).tokenizer()
        #expect(flipped.encode("abc").dropFirst().map { flipped.tokens[Int($0)] } == ["▁", "ab", "c"])
        let unprefixed = try TokenizerFixture.sentencePiece(pieces: pieces, extra: [("tokenizer.ggml.add_space_prefix", .bool(false))]).tokenizer()
        #expect(unprefixed.encode("aaa").dropFirst().map { unprefixed.tokens[Int($0)] } == ["aa", "a"])
    }

    @Test("a long prompt takes well under a second")
    func longText() throws {
        let tokenizer = try Self.fixture.tokenizer()
        let text = String(repeating: Self.corpus + "\n", count: 20)
        let clock = ContinuousClock()
        var ids: [Int32] = []
        let elapsed = clock.measure { ids = tokenizer.encode(text) }
        #expect(elapsed < .seconds(1), "\(text.utf8.count) bytes took \(elapsed)")
        #expect(tokenizer.decode(ids) == text)
    }
}

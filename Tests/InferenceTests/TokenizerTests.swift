import Foundation
@testable import Inference
import EndToEndSupport
import Testing

/// The tokenizer against Hugging Face's `tokenizers` built from the same GGUF (Tests/Interop/tokenize_reference.py).
@Suite("Byte-level BPE tokenizer")
struct TokenizerTests {
    static let samples = [
        "Hello world", "Hello, world!", "  two  spaces", "trailing space ", "\n\nnew lines\n", "tabs\tand\t\ttabs",
        "It's they're we've I'm you'll he'd", "DON'T SHOUT", "12345 3.14 -7 1,000,000", "version 0.1.0",
        "日本語のテキスト", "混合 text 和 中文", "emoji 😀👍🏽 and 🇫🇷 flags", "café naïve résumé", "e\u{301}",
        "func f() -> Int { return 42 }\n    // comment", "snake_case camelCase kebab-case", "a\r\nb",
        "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nHi!<|im_end|>\n<|im_start|>assistant\n",
        "<|endoftext|>", "<|im_start", "x<|im_end|>y", "    indented", "!!! ??? ...", "\u{00A0}nbsp", "",
    ]

    static let hasReference = DefaultModel.isPresent && PythonReference.canImport("gguf", "tokenizers")

    static func reference(_ texts: [String]) throws -> [[Int32]] {
        let output = try PythonReference.script("tokenize_reference.py", [DefaultModel.path], input: try JSONEncoder().encode(texts))
        return try JSONDecoder().decode([[Int32]].self, from: output)
    }

    @Test("ids match the reference for spaces, newlines, digits, CJK, emoji, code and special tokens",
          .enabled(if: hasReference, "needs the default model and python3 with gguf and tokenizers (make setup)"))
    func matchesReference() throws {
        let tokenizer = try BPETokenizer(gguf: try GGUFModelFile(path: DefaultModel.path).gguf)
        let expected = try Self.reference(Self.samples)
        for (text, ids) in zip(Self.samples, expected) {
            #expect(tokenizer.encode(text) == ids, "\(text.debugDescription)")
        }
    }

    @Test("decoding gives the text back, byte for byte, and special tokens as written",
          .enabled(if: DefaultModel.isPresent, "run `make setup` to fetch the default model"))
    func roundTrip() throws {
        let tokenizer = try BPETokenizer(gguf: try GGUFModelFile(path: DefaultModel.path).gguf)
        for text in Self.samples {
            #expect(tokenizer.decode(tokenizer.encode(text)) == text, "\(text.debugDescription)")
        }
        #expect(tokenizer.encode("<|im_start|>") == [1])
        #expect(tokenizer.encode("<|im_start|>", parseSpecial: false).count > 1)
        #expect(tokenizer.addsBOS == false)
        #expect(tokenizer.eosToken == 2)
    }

    @Test("the pre-tokenizer splits as GPT-2's pattern does, and SmolLM2 splits every digit")
    func pieces() {
        #expect(PreTokenizer.gpt2.pieces("Hello  world's 42\n\n x") == ["Hello", " ", " world", "'s", " 42", "\n\n", " x"])
        #expect(PreTokenizer.smollm.pieces("Hello 42") == ["Hello", " ", "4", "2"])
        #expect(PreTokenizer.gpt2.pieces("end  ") == ["end", "  "])
    }
}

@Suite("mowai tokenize and generate")
struct TokenizeCommandTests {
    func run(_ arguments: [String], command: String = "tokenize") throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = EndToEndSupport.ArenaProcess.executable
        process.arguments = [command] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, out, err)
    }

    @Test("prints the ids as a JSON array; a missing or broken model is one clear line and status 1",
          .enabled(if: DefaultModel.isPresent, "run `make setup` to fetch the default model"))
    func command() throws {
        let ok = try run(["--model", DefaultModel.path, "Hello world <|im_start|>"])
        #expect(ok.status == 0)
        #expect(ok.output == "[19556,905,216,1]\n")
        let plain = try run(["--model", DefaultModel.path, "--no-special", "<|im_start|>"])
        #expect(plain.output != "[1]\n")
        let missing = try run(["--model", "/nonexistent/model.gguf", "x"])
        #expect(missing.status == 1)
        #expect(missing.errors.hasPrefix("mowai: cannot open /nonexistent/model.gguf"))
    }
}

extension TokenizeCommandTests {
    @Test("generate answers a chat prompt greedily; absurd options are refused with the reason",
          .enabled(if: DefaultModel.isPresent, "run `make setup` to fetch the default model"))
    func generate() throws {
        let answer = try run(["--model", DefaultModel.path, "--chat", "--prompt", "What is the capital of France?",
                              "--temp", "0", "--max-tokens", "16"], command: "generate")
        #expect(answer.status == 0, "\(answer.errors)")
        #expect(answer.output.contains("Paris"), "\(answer.output)")
        let same = try run(["--model", DefaultModel.path, "--prompt", "Once upon a time", "--max-tokens", "12", "--seed", "3"], command: "generate")
        let again = try run(["--model", DefaultModel.path, "--prompt", "Once upon a time", "--max-tokens", "12", "--seed", "3"], command: "generate")
        #expect(same.output == again.output, "the same seed gives the same text")
        let absurd = try run(["--model", DefaultModel.path, "--prompt", "x", "--temp=-1"], command: "generate")
        #expect(absurd.status == 1)
        #expect(absurd.errors.contains("temperature"))
    }
}

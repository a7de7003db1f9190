import Foundation
@testable import Inference
import ModelFixtures
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
        let outcome = try MowaiCommand.run([command] + arguments)
        return (outcome.status, outcome.output, outcome.errors)
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

extension TokenizeCommandTests {
    @Test("generate: stop strings end the text before them; a prompt beyond --context is refused with the reason",
          .enabled(if: DefaultModel.isPresent, "run `make setup` to fetch the default model"))
    func generateLimits() throws {
        let counting = try run(["--model", DefaultModel.path, "--prompt", "1, 2, 3, 4,", "--temp", "0", "--max-tokens", "40", "--stop", " 9"],
                               command: "generate")
        #expect(counting.status == 0, "\(counting.errors)")
        #expect(counting.output == " 5, 6, 7, 8,\n", "\(counting.output)")
        let long = try run(["--model", DefaultModel.path, "--prompt", String(repeating: "word ", count: 100), "--context", "50"], command: "generate")
        #expect(long.status == 1)
        #expect(long.errors.contains("the prompt is 101 tokens, but the context holds 50"), "\(long.errors)")
        let threads = try run(["--model", DefaultModel.path, "--prompt", "x", "--threads", "0"], command: "generate")
        #expect(threads.status == 1 && threads.errors == "mowai: --threads must be between 1 and 256\n", "\(threads.errors)")
        let full = try run(["--model", DefaultModel.path, "--prompt", "1, 2, 3,", "--temp", "0", "--context", "12"], command: "generate")
        #expect(full.status == 0)
        #expect(full.errors.contains("the context of 12 tokens is full"), "\(full.errors)")
    }

    @Test("generate: Ctrl-C stops at once, keeps the text so far, and exits with 130",
          .enabled(if: DefaultModel.isPresent, "run `make setup` to fetch the default model"))
    func interrupt() throws {
        let process = Process()
        process.executableURL = EndToEndSupport.ArenaProcess.executable
        process.arguments = ["generate", "--model", DefaultModel.path, "--prompt", "1, 2, 3,", "--temp", "0", "--max-tokens", "100000",
                             "--context", "8192", "--threads", "1"]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Wait for the first text, then interrupt.
        let first = output.fileHandleForReading.availableData
        #expect(!first.isEmpty)
        kill(process.processIdentifier, SIGINT)
        let rest = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(message == "mowai: interrupted; the text so far is above\n")
        // The text so far (the counting goes on with " 4,", a token at a time) and a final newline.
        let text = String(decoding: first + rest, as: UTF8.self)
        #expect(text.hasSuffix("\n") && " 4, 5, 6, 7, 8, 9, 10, 11, 12".hasPrefix(text.dropLast().prefix(29)), "\(text.debugDescription)")
    }

    @Test("bench model prints load time, pp and tg for 1 and N threads and peak RSS as JSON",
          .enabled(if: DefaultModel.isPresent, "run `make setup` to fetch the default model"))
    func benchModel() throws {
        let result = try run(["model", "--model", DefaultModel.path, "--json", "--threads", "2", "--prompt-tokens", "16",
                              "--decode-tokens", "4", "--repetitions", "1"], command: "bench")
        #expect(result.status == 0, "\(result.errors)")
        struct Report: Decodable {
            struct Run: Decodable { let threads: Int; let promptTokensPerSecond: Double; let decodeTokensPerSecond: Double }
            let loadSeconds: Double
            let runs: [Run]
            let peakRSSBytes: Int
            let fileBytes: Int
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(result.output.utf8))
        #expect(report.runs.map(\.threads) == [1, 2])
        #expect(report.runs.allSatisfy { $0.promptTokensPerSecond > 0 && $0.decodeTokensPerSecond > 0 })
        #expect(report.loadSeconds > 0 && report.loadSeconds < 5)
        #expect(report.peakRSSBytes > 0 && report.fileBytes == 98_362_432)
    }

    @Test("bench model --parallel runs that many sequences at once; it prints the read bandwidth and decode's share of it",
          .enabled(if: DefaultModel.isPresent, "run `make setup` to fetch the default model"))
    func benchParallel() throws {
        let result = try run(["model", "--model", DefaultModel.path, "--json", "--threads", "1", "--prompt-tokens", "70",
                              "--decode-tokens", "4", "--repetitions", "1", "--parallel", "1,3"], command: "bench")
        #expect(result.status == 0, "\(result.errors)")
        struct Report: Decodable {
            struct Run: Decodable { let decodeTokensPerSecond: Double; let readBytesPerSecond: Double?; let decodeBandwidthShare: Double? }
            struct Parallel: Decodable {
                let sequences: Int
                let promptTokensPerSecond: Double
                let decodeTokensPerSecond: Double
                let decodeTokensPerSecondPerSequence: Double
            }
            let runs: [Run]
            let decodeBytesPerToken: Int
            let parallel: [Parallel]?
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(result.output.utf8))
        // 30 layers of Q4_1 matrices (20 bytes per 32 values), and the tied Q8_0 embedding (34 per 32) read
        // whole as the output head.
        let layer = 576 * 576 * 2 + 576 * 192 * 2 + 576 * 1536 * 3
        #expect(report.decodeBytesPerToken == 30 * layer / 32 * 20 + 49_152 * 576 / 32 * 34, "\(report.decodeBytesPerToken)")
        let single = try #require(report.runs.first)
        let bandwidth = try #require(single.readBytesPerSecond), share = try #require(single.decodeBandwidthShare)
        #expect(bandwidth > 1e9 && bandwidth < 1e12)
        #expect(abs(share - Double(report.decodeBytesPerToken) * single.decodeTokensPerSecond / bandwidth) < 1e-9)
        let parallel = try #require(report.parallel)
        #expect(parallel.map(\.sequences) == [1, 3])
        for run in parallel {
            #expect(run.promptTokensPerSecond > 0 && run.decodeTokensPerSecond > 0)
            #expect(abs(run.decodeTokensPerSecondPerSequence * Double(run.sequences) - run.decodeTokensPerSecond) < 1e-6)
        }
        for bad in ["0", "1,,2", "65", "x", ""] {
            let refused = try run(["model", "--model", DefaultModel.path, "--parallel", bad], command: "bench")
            #expect(refused.status != 0 && refused.errors.contains("--parallel takes"), "\(bad): \(refused.errors)")
        }
    }
}

import Foundation
@testable import Inference
import ModelFixtures

/// Tokenizer-only GGUF files (metadata, no tensors), for the vocabularies no installed model has.
struct TokenizerFixture {
    var metadata: [(key: String, value: GGUFValue)]

    /// The file's bytes. Arrays take the type of their first element; integers are written as 32-bit.
    var bytes: [UInt8] {
        var writer = GGUFWriter()
        writer.bytes += Array("GGUF".utf8)
        writer.u32(3)
        writer.u64(0)
        writer.u64(UInt64(metadata.count))
        for (key, value) in metadata {
            writer.string(key)
            writer.u32(GGUFWriter.typeCode(of: value))
            writer.write(value)
        }
        while writer.bytes.count % 32 != 0 { writer.bytes.append(0) }
        return writer.bytes
    }

    func parsed() throws -> GGUFFile { try parse(bytes, file: "tokenizer.gguf") }

    func tokenizer() throws -> Tokenizer { try Tokenizer(gguf: parsed()) }

    /// Runs `body` with the fixture written to a temporary file (for the Python reference).
    func withFile<T>(_ body: (String) throws -> T) throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mowai-tokenizer-\(UUID().uuidString).gguf").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    /// Hugging Face's ids for `texts` with this vocabulary (Tests/Interop/tokenize_reference.py), no BOS.
    func referenceIDs(_ texts: [String]) throws -> [[Int32]] {
        try withFile { path in
            let output = try PythonReference.script("tokenize_reference.py", [path], input: try JSONEncoder().encode(texts))
            return try JSONDecoder().decode([[Int32]].self, from: output)
        }
    }

    /// Llama 2's layout: `<unk>`, `<s>`, `</s>`, the 256 byte tokens, then `pieces` (normal, or
    /// `types` where given) with their scores.
    static func sentencePiece(pieces: [(String, Float)], types: [String: TokenType] = [:], extra: [(key: String, value: GGUFValue)] = []) -> TokenizerFixture {
        var tokens = ["<unk>", "<s>", "</s>"]
        var kinds: [TokenType] = [.unknown, .control, .control]
        var scores: [Float] = [0, 0, 0]
        for byte in 0..<256 {
            tokens.append("<0x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2) + ">")
            kinds.append(.byte)
            scores.append(0)
        }
        for (piece, score) in pieces {
            tokens.append(piece)
            kinds.append(types[piece] ?? .normal)
            scores.append(score)
        }
        return TokenizerFixture(metadata: [
            ("tokenizer.ggml.model", .string("llama")),
            ("tokenizer.ggml.tokens", .array(tokens.map(GGUFValue.string))),
            ("tokenizer.ggml.scores", .array(scores.map { .float(Double($0)) })),
            ("tokenizer.ggml.token_type", .array(kinds.map { .int(Int64($0.rawValue)) })),
            ("tokenizer.ggml.bos_token_id", .uint(1)),
            ("tokenizer.ggml.eos_token_id", .uint(2)),
            ("tokenizer.ggml.unknown_token_id", .uint(0)),
        ] + extra)
    }

    /// A SentencePiece-style vocabulary learned from `corpus` as SentencePiece's BPE trainer lays one
    /// out: pieces made by the most frequent merges first (score −rank), then the single characters.
    /// Characters not in the corpus (CJK, emoji) are left to byte fallback.
    static func learnedSentencePiece(corpus: String, merges: Int, extraPieces: [(String, Float)] = [],
                                     types: [String: TokenType] = [:]) -> TokenizerFixture {
        // Words as SentencePiece sees them: each led by `▁`.
        var counts: [[String]: Int] = [:]
        for word in corpus.split(whereSeparator: \.isWhitespace) {
            counts[["▁"] + word.unicodeScalars.map { String($0) }, default: 0] += 1
        }
        let characters = Set(counts.keys.flatMap { $0 }).sorted()
        var learned: [String] = []
        var words = counts
        for _ in 0..<merges {
            var pairs: [[String]: Int] = [:]
            for (symbols, count) in words where symbols.count > 1 {
                for index in 1..<symbols.count { pairs[[symbols[index - 1], symbols[index]], default: 0] += count }
            }
            // The most frequent pair; ties by text, so the vocabulary never depends on hashing.
            guard let best = pairs.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key.joined(separator: " ") > $1.key.joined(separator: " ")) })?.key
            else { break }
            let piece = best.joined()
            if !learned.contains(piece) && !characters.contains(piece) { learned.append(piece) }
            var merged: [[String]: Int] = [:]
            for (symbols, count) in words {
                var out: [String] = []
                var index = 0
                while index < symbols.count {
                    if index + 1 < symbols.count && symbols[index] == best[0] && symbols[index + 1] == best[1] {
                        out.append(piece)
                        index += 2
                    } else {
                        out.append(symbols[index])
                        index += 1
                    }
                }
                merged[out, default: 0] += count
            }
            words = merged
        }
        let pieces = learned.enumerated().map { ($0.element, -Float($0.offset)) }
            + characters.enumerated().map { ($0.element, -Float(learned.count + $0.offset)) }
        return sentencePiece(pieces: pieces + extraPieces, types: types)
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

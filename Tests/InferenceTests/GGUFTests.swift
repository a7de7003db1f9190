import EndToEndSupport
import Foundation
@testable import Inference
import ModelFixtures
import Testing

@Suite("GGUF reader")
struct GGUFTests {
    @Test("a valid file: metadata of each kind, the tensor directory, aligned data")
    func sample() throws {
        let file = try parse(GGUFWriter.sample())
        #expect(file.version == 3)
        #expect(file.architecture == "llama")
        #expect(file.metadata["llama.block_count"]?.integer == 30)
        #expect(file.metadata["llama.rope.freq_base"]?.number == 100_000)
        #expect(file.metadata["tokenizer.ggml.tokens"]?.array?.compactMap(\.string) == ["<|im_start|>", "Ġthe", "界"])
        #expect(file.keys.first == "general.architecture")
        #expect(file.dataOffset % 32 == 0)
        let q = try #require(file.tensor(named: "blk.0.attn_q.weight"))
        #expect(q.type == .q4_1)
        #expect(q.dimensions == [64, 2])
        #expect(q.byteCount == 80)
        #expect(q.offset == file.dataOffset + 256)
    }

    @Test("every truncation of a valid file is an error naming the file, never a crash")
    func truncations() {
        let bytes = GGUFWriter.sample()
        for length in 0..<bytes.count {
            #expect(throws: GGUFError.self) { try parse(Array(bytes.prefix(length))) }
        }
    }

    @Test("not GGUF, an unknown version, a wild count, an unknown tensor type, data past the end")
    func corruptions() throws {
        #expect(throws: GGUFError.notGGUF(file: "test.gguf")) { try parse(Array("GGML and more".utf8)) }

        var version = GGUFWriter.sample()
        version[4] = 9
        #expect(throws: GGUFError.unsupportedVersion(file: "test.gguf", version: 9)) { try parse(version) }

        var count = GGUFWriter.sample()
        for index in 16..<24 { count[index] = 0xFF }  // metadata count
        #expect(throws: GGUFError.self) { try parse(count) }

        var writer = GGUFWriter()
        writer.bytes += Array("GGUF".utf8); writer.u32(3); writer.u64(1); writer.u64(0)
        writer.string("t"); writer.u32(1); writer.u64(32); writer.u32(99); writer.u64(0)
        #expect(throws: GGUFError.unknownTensorType(file: "test.gguf", tensor: "t", type: 99)) { try parse(writer.bytes) }

        var short = GGUFWriter.sample()
        short.removeLast(10)
        #expect(throws: GGUFError.tensorOutOfBounds(file: "test.gguf", tensor: "blk.0.attn_q.weight")) { try parse(short) }
    }

    @Test("errors say what to do")
    func messages() {
        #expect(GGUFError.cannotOpen(file: "m.gguf", reason: "No such file or directory").description.contains("make setup"))
        #expect(GGUFError.truncated(file: "m.gguf", reading: "x", at: 4, size: 8).description.contains("download it again"))
    }

    @Test("a missing file and a directory are refused with the reason")
    func opening() {
        #expect(throws: GGUFError.self) { _ = try GGUFModelFile(path: "/nonexistent/model.gguf") }
        #expect(throws: GGUFError.self) { _ = try GGUFModelFile(path: "/tmp") }
    }
}

/// The default model (fetched by `make setup` into ./models, or $MOWAI_MODELS).
@Suite("The default model's file")
struct DefaultModelFileTests {
    @Test("SmolLM2-135M-Instruct Q4_1: llama, 30 blocks, d_model 576, 49 152 tokens, 210 Q4_1 tensors",
          .enabled(if: DefaultModel.isPresent, "run `make setup` to fetch the default model"))
    func facts() throws {
        let model = try GGUFModelFile(path: DefaultModel.path)
        let gguf = model.gguf
        #expect(gguf.architecture == "llama")
        #expect(gguf.metadata["llama.block_count"]?.integer == 30)
        #expect(gguf.metadata["llama.embedding_length"]?.integer == 576)
        #expect(gguf.metadata["llama.feed_forward_length"]?.integer == 1536)
        #expect(gguf.metadata["llama.attention.head_count"]?.integer == 9)
        #expect(gguf.metadata["llama.attention.head_count_kv"]?.integer == 3)
        #expect(gguf.metadata["tokenizer.ggml.model"]?.string == "gpt2")
        #expect(gguf.metadata["tokenizer.ggml.tokens"]?.array?.count == 49_152)
        #expect(gguf.metadata["tokenizer.ggml.merges"]?.array?.count == 48_900)
        #expect(gguf.tensors.filter { $0.type == .q4_1 }.count == 210)
        #expect(gguf.tensor(named: "token_embd.weight")?.type == .q8_0)
        #expect(gguf.tensor(named: "output.weight") == nil, "tied embeddings")
        #expect(gguf.tensors.filter { $0.type == .f32 }.allSatisfy { $0.name.hasSuffix("norm.weight") })
        #expect(gguf.tensors.allSatisfy { GGMLType.supported.contains($0.type) })
    }
}

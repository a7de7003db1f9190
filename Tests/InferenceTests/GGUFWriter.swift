@testable import Inference
import ModelFixtures

extension GGUFWriter {
    /// A small valid file: a few metadata kinds, two tensors (F32 and Q4_1), 32-byte aligned data.
    static func sample() -> [UInt8] {
        var writer = GGUFWriter()
        writer.bytes += Array("GGUF".utf8)
        writer.u32(3)
        writer.u64(2)  // tensors
        writer.u64(4)  // metadata
        writer.string("general.architecture"); writer.u32(GGUFValueType.string.rawValue); writer.string("llama")
        writer.string("llama.block_count"); writer.u32(GGUFValueType.uint32.rawValue); writer.u32(30)
        writer.string("llama.rope.freq_base"); writer.u32(GGUFValueType.float32.rawValue); writer.u32(Float(100_000).bitPattern)
        writer.string("tokenizer.ggml.tokens"); writer.u32(GGUFValueType.array.rawValue)
        writer.u32(GGUFValueType.string.rawValue); writer.u64(3)
        for token in ["<|im_start|>", "Ġthe", "界"] { writer.string(token) }

        writer.string("output_norm.weight"); writer.u32(1); writer.u64(64); writer.u32(GGMLType.f32.rawValue); writer.u64(0)
        writer.string("blk.0.attn_q.weight"); writer.u32(2); writer.u64(64); writer.u64(2); writer.u32(GGMLType.q4_1.rawValue)
        writer.u64(256)  // after 64 × 4 bytes of F32
        while writer.bytes.count % 32 != 0 { writer.bytes.append(0) }
        writer.bytes += [UInt8](repeating: 1, count: 256)           // F32 data
        writer.bytes += [UInt8](repeating: 2, count: 64 * 2 / 32 * 20)  // 4 Q4_1 blocks
        return writer.bytes
    }
}

func parse(_ bytes: [UInt8], file: String = "test.gguf") throws(GGUFError) -> GGUFFile {
    do {
        return try bytes.withUnsafeBytes { buffer in try GGUFFile(parsing: buffer, file: file) }
    } catch let error as GGUFError {
        throw error
    } catch {
        throw .invalid(file: file, what: "\(error)")
    }
}

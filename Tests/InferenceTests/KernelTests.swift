import CInferenceKernels
import Foundation
@testable import Inference
import ModelFixtures
import Testing

/// The C kernels against the Swift reference dequantization (itself checked bit for bit against the
/// gguf package): for every weight type, rows × tokens, SIMD and portable loops alike.
@Suite("CPU kernels")
struct KernelTests {
    static let rows = 7

    /// One token (decode), and 11: a full pass of eight tokens over each row, then three.
    static let tokenCounts = [1, 11]

    /// The SIMD variants this CPU has, by name.
    static let variants: [(name: String, isa: Int32)] = [
        ("avx2", Int32(MOWAI_ISA_AVX2)), ("avx-vnni", Int32(MOWAI_ISA_AVX_VNNI)), ("avx512-vnni", Int32(MOWAI_ISA_AVX512_VNNI)),
    ]

    static func weights(_ type: GGMLType, columns: Int, using random: inout SamplingRandom) -> [UInt8] {
        RandomWeights.bytes(type, rows: rows, columns: columns, using: &random)
    }

    @Test("every type's matmul, in every SIMD variant this CPU has, equals the dequantized dot product with the rounded activations",
          arguments: [GGMLType.f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K])
    func matmul(type: GGMLType) {
        // The K-quants come in superblocks of 256; the others get an odd number of 32-value blocks.
        let columns = [.q4_K, .q5_K, .q6_K].contains(type) ? 512 : 544
        var random = SamplingRandom(seed: UInt64(type.rawValue) + 1)
        let weights = Self.weights(type, columns: columns, using: &random)
        let rowBytes = weights.count / Self.rows
        var row = [Float](repeating: 0, count: columns)
        var dequantized = [[Float]]()
        for r in 0..<Self.rows {
            weights.withUnsafeBytes { w in
                row.withUnsafeMutableBufferPointer {
                    Dequantize.elements(columns, of: type, from: UnsafeRawBufferPointer(rebasing: w[(r * rowBytes)...]), into: $0)
                }
            }
            dequantized.append(row)
        }
        var ranVariants = 0
        for tokens in Self.tokenCounts {
            let activations = (0..<tokens * columns).map { _ in Float.random(in: -3...3, using: &random) }
            var quantized = [mowai_q8_block](repeating: mowai_q8_block(), count: tokens * columns / 32)
            mowai_quantize_q8(activations, &quantized, Int32(activations.count))
            // Quantized types see the activations as rounded; float types see them as they are.
            let seen: [Float] = mowai_kernel_takes_q8(Int32(type.rawValue)) != 0
                ? quantized.flatMap { block in withUnsafeBytes(of: block.q) { $0.map { Float(Int8(bitPattern: $0)) * block.d } } }
                : activations
            var results = [(name: String, out: [Float])]()
            var portable = [Float](repeating: .nan, count: tokens * Self.rows)
            weights.withUnsafeBytes { w in
                mowai_matmul_portable(Int32(type.rawValue), w.baseAddress, rowBytes, Int32(columns), 0, Int32(Self.rows),
                                      quantized, activations, Int32(tokens), &portable, Int32(Self.rows))
                for variant in Self.variants {
                    var out = [Float](repeating: .nan, count: tokens * Self.rows)
                    if mowai_matmul_variant(variant.isa, Int32(type.rawValue), w.baseAddress, rowBytes, Int32(columns), 0,
                                            Int32(Self.rows), quantized, activations, Int32(tokens), &out, Int32(Self.rows)) != 0 {
                        results.append((variant.name, out))
                    }
                }
            }
            results.append(("portable", portable))
            ranVariants = max(ranVariants, results.count)
            for r in 0..<Self.rows {
                for t in 0..<tokens {
                    var expected: Double = 0, magnitude: Double = 0
                    for j in 0..<columns {
                        expected += Double(dequantized[r][j]) * Double(seen[t * columns + j])
                        magnitude += abs(Double(dequantized[r][j]) * Double(seen[t * columns + j]))
                    }
                    let tolerance = 1e-5 * magnitude + 1e-6
                    for (name, out) in results {
                        #expect(abs(Double(out[t * Self.rows + r]) - expected) <= tolerance,
                                "\(type) \(name), \(tokens) tokens: row \(r) token \(t): \(out[t * Self.rows + r]) vs \(expected)")
                    }
                }
            }
        }
        // Where the kernels chose a SIMD variant, at least that one ran here.
        #expect(String(cString: mowai_kernel_isa()) == "scalar" || ranVariants >= 2, "no SIMD variant ran")
    }

    @Test("packed weights (8 rows interleaved), in every SIMD variant this CPU has, equal the dequantized dot product; each token's sums are the same bits whatever the batch",
          arguments: [GGMLType.q4_1, .q5_0, .q8_0, .q4_K, .q6_K])
    func packedMatmul(type: GGMLType) throws {
        // Two groups of 8 rows; an odd number of blocks (17 of 32, or 3 superblocks of 256).
        let rows = 16, columns = [.q4_1, .q5_0, .q8_0].contains(type) ? 544 : 768
        var random = SamplingRandom(seed: UInt64(type.rawValue) + 100)
        let weights = RandomWeights.bytes(type, rows: rows, columns: columns, using: &random)
        let rowBytes = weights.count / rows
        let size = mowai_packed_size(Int32(type.rawValue), Int32(rows), Int32(columns))
        guard String(cString: mowai_kernel_isa()) != "scalar" else { return #expect(size == 0) }
        try #require(size > 0)
        #expect(mowai_packed_size(Int32(type.rawValue), 12, Int32(columns)) == 0, "rows not a multiple of 8 cannot be packed")
        var packed = [UInt8](repeating: 0, count: size)
        weights.withUnsafeBytes { w in mowai_pack(Int32(type.rawValue), w.baseAddress, rowBytes, Int32(rows), Int32(columns), &packed) }
        var dequantized = [[Float]](repeating: [Float](repeating: 0, count: columns), count: rows)
        for r in 0..<rows {
            weights.withUnsafeBytes { w in
                dequantized[r].withUnsafeMutableBufferPointer {
                    Dequantize.elements(columns, of: type, from: UnsafeRawBufferPointer(rebasing: w[(r * rowBytes)...]), into: $0)
                }
            }
        }
        // A row looked up in the packed matrix (a tied head's embedding) is the file's row dequantized, to the bit.
        for r in 0..<rows {
            var row = [Float](repeating: .nan, count: columns)
            mowai_packed_row(Int32(type.rawValue), packed, Int32(columns), Int32(r), &row)
            #expect(row.map(\.bitPattern) == dequantized[r].map(\.bitPattern), "\(type): packed row \(r) differs from the file's")
        }
        var ran = 0
        // One token, and more than a pass of tokens (8 with AVX-512, 4 without) plus a remainder.
        for tokens in [1, 11, 19] {
            let activations = (0..<tokens * columns).map { _ in Float.random(in: -3...3, using: &random) }
            var quantized = [mowai_q8_block](repeating: mowai_q8_block(), count: tokens * columns / 32)
            mowai_quantize_q8(activations, &quantized, Int32(activations.count))
            let seen = quantized.flatMap { block in withUnsafeBytes(of: block.q) { $0.map { Float(Int8(bitPattern: $0)) * block.d } } }
            var first: [Float]?
            for variant in Self.variants {
                // Rows 8–15 alone, then 0–7, as two threads would split them.
                var out = [Float](repeating: .nan, count: tokens * rows)
                guard mowai_matmul_packed_variant(variant.isa, Int32(type.rawValue), packed, Int32(columns), 8, 16, quantized,
                                                  Int32(tokens), &out, Int32(rows)) != 0 else { continue }
                _ = mowai_matmul_packed_variant(variant.isa, Int32(type.rawValue), packed, Int32(columns), 0, 8, quantized,
                                                Int32(tokens), &out, Int32(rows))
                ran += 1
                for r in 0..<rows {
                    for t in 0..<tokens {
                        var expected: Double = 0, magnitude: Double = 0
                        for j in 0..<columns {
                            expected += Double(dequantized[r][j]) * Double(seen[t * columns + j])
                            magnitude += abs(Double(dequantized[r][j]) * Double(seen[t * columns + j]))
                        }
                        #expect(abs(Double(out[t * rows + r]) - expected) <= 1e-5 * magnitude + 1e-6,
                                "\(type) \(variant.name), \(tokens) tokens: row \(r) token \(t): \(out[t * rows + r]) vs \(expected)")
                    }
                }
                // The block sums are exact integers, scaled in the same order: every variant agrees to the bit.
                if let first { #expect(first == out, "\(type) \(variant.name) differs from the first variant") } else { first = out }
                // Q4_1 (the default model's) adds each block as the portable loop does: the same bits.
                if type == .q4_1 {
                    var portable = [Float](repeating: .nan, count: tokens * rows)
                    weights.withUnsafeBytes { w in
                        mowai_matmul_portable(Int32(type.rawValue), w.baseAddress, rowBytes, Int32(columns), 0, Int32(rows),
                                              quantized, activations, Int32(tokens), &portable, Int32(rows))
                    }
                    #expect(portable == out, "\(type) \(variant.name) differs from the portable loop")
                }
                // Batch invariance: each token alone gives the bits it gave in the batch.
                for t in 0..<tokens {
                    var alone = [Float](repeating: .nan, count: rows)
                    quantized.withUnsafeBufferPointer { q in
                        _ = mowai_matmul_packed_variant(variant.isa, Int32(type.rawValue), packed, Int32(columns), 0, Int32(rows),
                                                        q.baseAddress! + t * columns / 32, 1, &alone, Int32(rows))
                    }
                    #expect(alone == Array(out[(t * rows)..<((t + 1) * rows)]), "\(type) \(variant.name): token \(t) alone differs from the batch of \(tokens)")
                }
            }
        }
        #expect(ran >= 3, "no SIMD variant ran")
    }

    @Test("the gated activations (SiLU, and GELU in its tanh form) match the formulas to float precision")
    func gatedActivation() {
        var random = SamplingRandom(seed: 21)
        let x = (0..<203).map { i in i < 4 ? [Float(0), -100, 100, -9.5][i] : Float.random(in: -12...12, using: &random) }
        let u = (0..<203).map { _ in Float.random(in: -2...2, using: &random) }
        for gelu in [false, true] {
            var g = x
            mowai_gated_activation(&g, u, Int32(g.count), gelu ? 1 : 0)
            for i in x.indices {
                let v = Double(x[i])
                let activated = gelu ? 0.5 * v * (1 + tanh(0.7978845608028654 * (v + 0.044715 * v * v * v))) : v / (1 + exp(-v))
                let expected = activated * Double(u[i])
                #expect(abs(Double(g[i]) - expected) <= 1e-5 * max(1, abs(expected)), "\(gelu ? "GELU" : "SiLU")(\(x[i])) × \(u[i]): \(g[i]) vs \(expected)")
            }
        }
    }

    @Test("activations round into blocks of 32 with their scale and sum; zeros stay zero")
    func quantize() {
        let values: [Float] = (0..<64).map { $0 < 32 ? Float($0 - 16) / 4 : 0 }
        var blocks = [mowai_q8_block](repeating: mowai_q8_block(), count: 2)
        mowai_quantize_q8(values, &blocks, 64)
        #expect(blocks[0].d == 4.0 / 127)
        let first = withUnsafeBytes(of: blocks[0].q) { $0.map { Int8(bitPattern: $0) } }
        #expect(first[0] == -127 && first[16] == 0 && first[31] == Int8((15.0 / 4 / (4.0 / 127)).rounded()))
        #expect(abs(blocks[0].s - blocks[0].d * Float(first.reduce(0) { $0 + Int($1) })) < 1e-6)
        #expect(blocks[1].d == 0 && blocks[1].s == 0)
    }

    @Test("attention is the softmax-weighted sum of the values")
    func attention() {
        let size = 16, count = 5, stride = 32
        var random = SamplingRandom(seed: 9)
        let q = (0..<size).map { _ in Float.random(in: -1...1, using: &random) }
        let keys = (0..<count * stride).map { _ in Float.random(in: -1...1, using: &random) }
        let values = (0..<count * stride).map { _ in Float.random(in: -1...1, using: &random) }
        var scores = [Float](repeating: 0, count: count), out = [Float](repeating: 0, count: size)
        mowai_attention(q, keys, values, Int32(stride), Int32(count), Int32(size), 0.25, &scores, &out)
        let raw = (0..<count).map { p in (0..<size).reduce(Float(0)) { $0 + q[$1] * keys[p * stride + $1] } * 0.25 }
        let weights = raw.map { expf($0 - raw.max()!) }
        let total = weights.reduce(0, +)
        for j in 0..<size {
            let expected = (0..<count).reduce(Float(0)) { $0 + weights[$1] / total * values[$1 * stride + j] }
            #expect(abs(out[j] - expected) < 1e-5)
        }
    }
}

import CVulkanShaders
import Foundation
@testable import Inference
import ModelFixtures
import Testing
import Vulkan
@testable import VulkanInference

/// Each weight type's matmul and embedding kernels on the device against the reference dequantization
/// (itself checked against the gguf package) in double precision, at shapes that catch edge handling:
/// rows that fill no workgroup evenly, one token, a whole batch, a matrix split into several bindings.
@Suite("Vulkan kernels", .serialized)
struct VulkanKernelTests {
    static let types: [GGMLType] = [.f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K]
    static let columns = 512
    static let batchCapacity = 64

    /// A weight matrix of random contents; `bytes` keeps its memory alive.
    final class Matrix {
        let bytes: [UInt8]
        let matrix: WeightMatrix
        init(_ type: GGMLType, rows: Int, columns: Int, name: String, seed: UInt64) {
            var random = SamplingRandom(seed: seed)
            bytes = RandomWeights.bytes(type, rows: rows, columns: columns, using: &random)
            matrix = bytes.withUnsafeBytes { WeightMatrix(name: name, base: $0.baseAddress!, type: type, columns: columns, rows: rows) }
        }

        /// The reference rows, dequantized.
        var dequantized: [[Float]] {
            (0..<matrix.rows).map { row in
                var out = [Float](repeating: 0, count: matrix.columns)
                bytes.withUnsafeBytes { raw in
                    out.withUnsafeMutableBufferPointer {
                        Dequantize.elements(matrix.columns, of: matrix.type, from: UnsafeRawBufferPointer(rebasing: raw[(row * matrix.rowBytes)...]), into: $0)
                    }
                }
                return out
            }
        }
    }

    /// Runs one matrix kernel over `rows` (of one or two matrices) the way the backend records it.
    struct Probe {
        let device: VulkanDevice
        let tuning: KernelTuning
        let uploader: Uploader
        let pool: DescriptorPool

        init(device: VulkanDevice, tuning: KernelTuning) throws {
            self.device = device
            self.tuning = tuning
            uploader = try Uploader(device: device)
            pool = try DescriptorPool(device: device, sets: 16, buffers: 64)
        }

        func pipeline(_ name: String, workgroup: Int, matmul: MatmulShape? = nil) throws -> ComputePipeline {
            let shader = try #require(mowai_shader_named(name), "no shader \(name)")
            return try ComputePipeline(device: device, name: name, spirv: UnsafeBufferPointer(start: shader.pointee.words, count: shader.pointee.count),
                                       bindings: 3, pushConstantBytes: MemoryLayout<WeightPush>.size,
                                       specialization: tuning.constants(workgroup: workgroup, batchCapacity: batchCapacity, matmul: matmul))
        }

        /// out[t][offset + r] for every output row r and token t, written over `initial` (accumulated with `accumulate`).
        func matmul(_ rows: [(matrix: WeightMatrix, row: Int)], gated: Bool, activations: [Float], tokens: Int, columns: Int,
                    outStride: Int, outOffset: Int, initial: [Float], flags: UInt32, maxPartBytes: Int) throws -> (output: [Float], parts: Int) {
            let matrix = try uploader.matrix(rows, gated: gated, maxPartBytes: maxPartBytes)
            let name = (gated ? "matmul_gated_" : "matmul_") + ForwardRecorder.shaderName(matrix.type)
            // The shape the backend picks for this many tokens.
            let shape = tuning.matmul(tokens: tokens)
            let pipeline = try pipeline(name, workgroup: shape.workgroup, matmul: shape)
            let input = try uploader.upload(activations)
            let output = try VulkanBuffer(device: device, bytes: initial.count * 4, location: .readback)
            initial.withUnsafeBytes { output.contents!.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            output.flush()
            let stream = try CommandStream(device: device)
            try stream.begin()
            for part in matrix.parts {
                let set = try pool.makeSet(for: pipeline, binding: [BufferRange(part.buffer), BufferRange(input), BufferRange(output)])
                let push = WeightPush(rows: UInt32(part.rows), chunks: UInt32(matrix.chunksPerRow), tokens: UInt32(tokens), xStride: UInt32(columns),
                                      outStride: UInt32(outStride), outOffset: UInt32(outOffset + part.firstRow), header: UInt32(part.packed.header),
                                      high: UInt32(part.packed.high), quants: UInt32(part.packed.quants), flags: flags)
                push.withBytes { stream.dispatch(set, groups: shape.groups(rows: part.rows, tokens: tokens), push: $0, group: "matmul") }
                stream.barrier()
            }
            try stream.submitAndWait()
            output.invalidate()
            let floats = output.contents!.assumingMemoryBound(to: Float.self)
            return (Array(UnsafeBufferPointer(start: floats, count: initial.count)), matrix.parts.count)
        }
    }

    static func activations(_ count: Int, seed: UInt64) -> [Float] {
        var random = SamplingRandom(seed: seed)
        return (0..<count).map { _ in Float.random(in: -2...2, using: &random) }
    }

    /// Float32 sums of a few hundred products differ from double's by well under 1e-5 of the sum of
    /// magnitudes; a wrong scale, nibble or bit shows at 1e-2 or more.
    static func close(_ actual: Float, _ expected: Double, magnitude: Double) -> Bool {
        abs(Double(actual) - expected) <= 2e-5 * magnitude + 1e-6
    }

    static let shapes: [(rows: Int, tokens: Int)] = [(37, 1), (37, 5), (70, batchCapacity)]

    @Test("matmul of every type equals the dequantized product, at awkward row counts, one token and a full batch", arguments: types)
    func matmul(type: GGMLType) throws {
        let device = try TestDevice.open()
        for (label, tuning) in TestDevice.tunings(for: device) {
            let probe = try Probe(device: device, tuning: tuning)
            for (rows, tokens) in Self.shapes {
                let weights = Matrix(type, rows: rows, columns: Self.columns, name: "w", seed: UInt64(type.rawValue) * 100 + UInt64(rows))
                let reference = weights.dequantized
                let x = Self.activations(tokens * Self.columns, seed: UInt64(tokens))
                let outStride = rows + 3, offset = 2
                let initial = [Float](repeating: -7, count: tokens * outStride)
                let (output, _) = try probe.matmul((0..<rows).map { (weights.matrix, $0) }, gated: false, activations: x, tokens: tokens,
                                                   columns: Self.columns, outStride: outStride, outOffset: offset, initial: initial, flags: 0,
                                                   maxPartBytes: 1 << 30)
                var wrong = 0
                for t in 0..<tokens {
                    for r in 0..<rows {
                        let products = (0..<Self.columns).map { Double(reference[r][$0]) * Double(x[t * Self.columns + $0]) }
                        let expected = products.reduce(0, +), magnitude = products.reduce(0) { $0 + abs($1) }
                        if !Self.close(output[t * outStride + offset + r], expected, magnitude: magnitude) {
                            wrong += 1
                            if wrong <= 3 { Issue.record(Comment(rawValue: "\(type) \(label) \(rows)×\(tokens): row \(r) token \(t) is \(output[t * outStride + offset + r]), expected \(expected)")) }
                        }
                    }
                    // Outside the rows written, the output is untouched.
                    #expect(output[t * outStride] == -7 && output[t * outStride + 1] == -7 && output[t * outStride + offset + rows] == -7)
                }
                #expect(wrong == 0, "\(type) \(label) \(rows) rows × \(tokens) tokens: \(wrong) wrong")
            }
        }
    }

    @Test("a matrix split into parts (as lavapipe's 128 MiB bindings force) gives the same product, and accumulate adds to the output",
          arguments: [GGMLType.q4_1, .q6_K])
    func partsAndAccumulate(type: GGMLType) throws {
        let device = try TestDevice.open()
        let probe = try Probe(device: device, tuning: KernelTuning.for(device.info))
        let rows = 45, tokens = 3
        let weights = Matrix(type, rows: rows, columns: Self.columns, name: "w", seed: 77)
        let x = Self.activations(tokens * Self.columns, seed: 5)
        let initial = (0..<tokens * rows).map { Float($0 % 11) }
        let rowList = (0..<rows).map { (weights.matrix, $0) }
        let whole = try probe.matmul(rowList, gated: false, activations: x, tokens: tokens, columns: Self.columns, outStride: rows, outOffset: 0,
                                     initial: initial, flags: WeightPush.accumulate, maxPartBytes: 1 << 30)
        let split = try probe.matmul(rowList, gated: false, activations: x, tokens: tokens, columns: Self.columns, outStride: rows, outOffset: 0,
                                     initial: initial, flags: WeightPush.accumulate, maxPartBytes: 16 * DeviceLayout.packedBytes(perRow: weights.matrix))
        #expect(whole.parts == 1 && split.parts == 3)
        #expect(whole.output == split.output)
        let plain = try probe.matmul(rowList, gated: false, activations: x, tokens: tokens, columns: Self.columns, outStride: rows, outOffset: 0,
                                     initial: initial, flags: 0, maxPartBytes: 1 << 30)
        for index in initial.indices { #expect(abs(whole.output[index] - (plain.output[index] + initial[index])) < 1e-4) }
    }

    @Test("the gated kernel gives SiLU(gate·x) × (up·x), or GELU with the flag", arguments: [GGMLType.q4_1, .q8_0, .f16, .q4_K])
    func gated(type: GGMLType) throws {
        let device = try TestDevice.open()
        for (label, tuning) in TestDevice.tunings(for: device) {
            let probe = try Probe(device: device, tuning: tuning)
            let rows = 19
            for tokens in [1, 6] {
                let gate = Matrix(type, rows: rows, columns: Self.columns, name: "gate", seed: 3)
                let up = Matrix(type, rows: rows, columns: Self.columns, name: "up", seed: 4)
                let (g, u) = (gate.dequantized, up.dequantized)
                let x = Self.activations(tokens * Self.columns, seed: 6)
                let rowList = (0..<rows).flatMap { [(gate.matrix, $0), (up.matrix, $0)] }
                for gelu in [false, true] {
                    let (output, _) = try probe.matmul(rowList, gated: true, activations: x, tokens: tokens, columns: Self.columns, outStride: rows,
                                                       outOffset: 0, initial: [Float](repeating: 0, count: tokens * rows),
                                                       flags: gelu ? WeightPush.gelu : 0, maxPartBytes: 1 << 30)
                    for t in 0..<tokens {
                        for r in 0..<rows {
                            let a = (0..<Self.columns).reduce(0.0) { $0 + Double(g[r][$1]) * Double(x[t * Self.columns + $1]) }
                            let b = (0..<Self.columns).reduce(0.0) { $0 + Double(u[r][$1]) * Double(x[t * Self.columns + $1]) }
                            let activated = gelu ? 0.5 * a * (1 + tanh(0.7978845608 * (a + 0.044715 * a * a * a))) : a / (1 + exp(-a))
                            let expected = activated * b
                            #expect(abs(Double(output[t * rows + r]) - expected) <= 1e-4 * max(1, abs(expected)),
                                    "\(type) \(label) \(gelu ? "GELU" : "SiLU") row \(r) token \(t): \(output[t * rows + r]) vs \(expected)")
                        }
                    }
                }
            }
        }
    }

    @Test("the embedding kernel copies each token's dequantized row, scaled", arguments: types)
    func embedding(type: GGMLType) throws {
        let device = try TestDevice.open()
        let tuning = KernelTuning.for(device.info)
        let probe = try Probe(device: device, tuning: tuning)
        let rows = 41, columns = 256
        let weights = Matrix(type, rows: rows, columns: columns, name: "token_embd", seed: 9)
        let reference = weights.dequantized
        let tokens: [UInt32] = [40, 0, 17, 17, 3]
        // Two parts, so each dispatch writes only the tokens whose rows it holds.
        let matrix = try probe.uploader.matrix((0..<rows).map { (weights.matrix, $0) }, gated: false,
                                               maxPartBytes: 24 * DeviceLayout.packedBytes(perRow: weights.matrix))
        #expect(matrix.parts.count == 2)
        let pipeline = try probe.pipeline("embed_\(ForwardRecorder.shaderName(type))", workgroup: tuning.rowWorkgroup)
        var words = [UInt32](repeating: 0, count: 4 * Self.batchCapacity)
        for (row, token) in tokens.enumerated() { words[row] = token }
        let batch = try probe.uploader.upload(words)
        let output = try VulkanBuffer(device: device, bytes: tokens.count * columns * 4, location: .readback)
        let stream = try CommandStream(device: device)
        try stream.begin()
        for part in matrix.parts {
            let set = try probe.pool.makeSet(for: pipeline, binding: [BufferRange(part.buffer), BufferRange(output), BufferRange(batch)])
            let push = WeightPush(rows: UInt32(part.rows), chunks: UInt32(matrix.chunksPerRow), tokens: UInt32(tokens.count), outStride: UInt32(columns),
                                  outOffset: UInt32(part.firstRow), header: UInt32(part.packed.header), high: UInt32(part.packed.high),
                                  quants: UInt32(part.packed.quants), scale: 0.5)
            push.withBytes { stream.dispatch(set, groups: (tokens.count, 1, 1), push: $0, group: "embedding") }
        }
        try stream.submitAndWait()
        output.invalidate()
        let values = UnsafeBufferPointer(start: output.contents!.assumingMemoryBound(to: Float.self), count: tokens.count * columns)
        for (t, token) in tokens.enumerated() {
            for column in 0..<columns {
                #expect(values[t * columns + column] == reference[Int(token)][column] * 0.5, "\(type) token \(token) column \(column)")
            }
        }
    }
}

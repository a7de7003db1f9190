import Inference

/// Matrices in the layout the shaders read (glsl/weights.glsl): rows of 32-value chunks in three word
/// sections (header: scales; high: extra bits; quants: the low bits), every read a whole aligned word.
/// The GGUF block layouts are not word-aligned (a Q4_0 block is 18 bytes), and the K-quants group a
/// chunk's values across a 256-value block; packing once at upload makes every kernel's read simple.
/// The bits are only moved, never rounded: dequantizing the packed form gives the GGUF values exactly.
public struct PackedMatrix: Sendable, Equatable {
    public var words: [UInt32]
    /// Where each section starts, in words.
    public var header = 0, high = 0, quants = 0
    public let type: GGMLType
    public let rows: Int
    public let chunksPerRow: Int
}

public enum DeviceLayout {
    /// The types the kernels read.
    public static let types: Set<GGMLType> = [.f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K]

    /// Bytes one row takes packed (for splitting a matrix into parts a binding can cover).
    public static func packedBytes(perRow matrix: WeightMatrix) -> Int {
        let chunks = matrix.columns / 32
        let words: Int = switch matrix.type {
        case .f32: 32 * chunks
        case .f16, .bf16: 16 * chunks
        case .q4_0: 4 * chunks + (chunks + 1) / 2
        case .q4_1: 5 * chunks
        case .q5_0: 5 * chunks + (chunks + 1) / 2
        case .q5_1: 6 * chunks
        case .q8_0: 8 * chunks + (chunks + 1) / 2
        case .q4_K: 4 * chunks + chunks / 2
        case .q5_K: 5 * chunks + chunks / 2
        case .q6_K: 6 * chunks + chunks * 5 / 8
        default: 0
        }
        return words * 4
    }

    /// Packs rows taken from one or more matrices of one type and width, in the order given: fused
    /// projections (query, key and value one after another; gate and up interleaved) are one matrix.
    public static func pack(_ rows: [(matrix: WeightMatrix, row: Int)]) -> PackedMatrix {
        precondition(!rows.isEmpty, "nothing to pack")
        let type = rows[0].matrix.type, columns = rows[0].matrix.columns
        precondition(rows.allSatisfy { $0.matrix.type == type && $0.matrix.columns == columns }, "packed rows must share type and width")
        precondition(types.contains(type) && columns % 32 == 0, "\(type) rows of \(columns) cannot be packed")
        var sections = Sections()
        for (matrix, row) in rows {
            let bytes = UnsafeRawBufferPointer(start: matrix.base + row * matrix.rowBytes, count: matrix.rowBytes)
            sections.append(row: bytes, type: type, chunks: columns / 32)
        }
        return sections.finish(type: type, rows: rows.count, chunksPerRow: columns / 32)
    }

    /// A whole matrix, or rows `range` of it.
    public static func pack(_ matrix: WeightMatrix, rows range: Range<Int>? = nil) -> PackedMatrix {
        pack((range ?? 0..<matrix.rows).map { (matrix, $0) })
    }

    private struct Sections {
        var header: [UInt32] = []
        var high: [UInt32] = []
        var quants: [UInt32] = []
        /// f16 scales waiting for their pair (two to a word).
        var pendingHalf: UInt16?

        mutating func half(_ bits: UInt16) {
            if let first = pendingHalf {
                header.append(UInt32(first) | UInt32(bits) << 16)
                pendingHalf = nil
            } else {
                pendingHalf = bits
            }
        }

        mutating func append(row bytes: UnsafeRawBufferPointer, type: GGMLType, chunks: Int) {
            func u16(_ offset: Int) -> UInt16 { bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self) }
            func u32(_ offset: Int) -> UInt32 { bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self) }
            switch type {
            case .f32:
                for i in 0..<chunks * 32 { quants.append(u32(4 * i)) }
            case .f16, .bf16:
                for i in 0..<chunks * 16 { quants.append(u32(4 * i)) }
            case .q4_0, .q8_0:
                let (size, words) = type == .q4_0 ? (18, 4) : (34, 8)
                for c in 0..<chunks {
                    half(u16(c * size))
                    for w in 0..<words { quants.append(u32(c * size + 2 + 4 * w)) }
                }
            case .q4_1:
                for c in 0..<chunks {
                    header.append(u32(c * 20))
                    for w in 0..<4 { quants.append(u32(c * 20 + 4 + 4 * w)) }
                }
            case .q5_0:
                for c in 0..<chunks {
                    half(u16(c * 22))
                    high.append(u32(c * 22 + 2))
                    for w in 0..<4 { quants.append(u32(c * 22 + 6 + 4 * w)) }
                }
            case .q5_1:
                for c in 0..<chunks {
                    header.append(u32(c * 24))
                    high.append(u32(c * 24 + 4))
                    for w in 0..<4 { quants.append(u32(c * 24 + 8 + 4 * w)) }
                }
            case .q4_K, .q5_K:
                let (size, nibbles) = type == .q4_K ? (144, 16) : (176, 48)
                for block in 0..<chunks / 8 {
                    let base = block * size
                    // d, dmin and the 12 bytes of scales, as they are.
                    for w in 0..<4 { header.append(u32(base + 4 * w)) }
                    // Chunk 2j is the low nibbles of bytes 32j…32j+31, chunk 2j+1 their high nibbles.
                    for chunk in 0..<8 {
                        let source = base + nibbles + 32 * (chunk / 2), shift = chunk % 2 == 0 ? 0 : 4
                        appendNibbles { l in (bytes[source + l] >> shift) & 0x0F }
                        // Q5_K: chunk c's fifth bits are bit c of the 32 bytes at 16, one word (bit l, value l).
                        if type == .q5_K {
                            var word: UInt32 = 0
                            for l in 0..<32 { word |= UInt32((bytes[base + 16 + l] >> UInt8(chunk)) & 1) << UInt32(l) }
                            high.append(word)
                        }
                    }
                }
            case .q6_K:
                for block in 0..<chunks / 8 {
                    let base = block * 210
                    for w in 0..<4 { header.append(u32(base + 192 + 4 * w)) }
                    header.append(Float(Float16(bitPattern: u16(base + 208))).bitPattern)
                    // Chunk c covers values 128·(c/4) + 32·(c%4) + l: low bits in ql (a nibble of byte
                    // 64·(c/4) + 32·(c%2) + l, the high one for c%4 ≥ 2), top bits in qh (byte
                    // 32·(c/4) + l, bits 2·(c%4)).
                    for chunk in 0..<8 {
                        let halfBlock = chunk / 4, quarter = chunk % 4
                        let ql = base + 64 * halfBlock + 32 * (quarter % 2), qh = base + 128 + 32 * halfBlock
                        let lowShift = quarter < 2 ? 0 : 4, highShift = 2 * quarter
                        appendNibbles { l in (bytes[ql + l] >> lowShift) & 0x0F }
                        var top: (UInt32, UInt32) = (0, 0)
                        for l in 0..<32 {
                            let bits = UInt32((bytes[qh + l] >> highShift) & 3)
                            if l < 16 { top.0 |= bits << (2 * l) } else { top.1 |= bits << (2 * (l - 16)) }
                        }
                        high += [top.0, top.1]
                    }
                }
            default:
                preconditionFailure("\(type) cannot be packed")
            }
        }

        /// 32 four-bit values as 16 bytes: value l in the low nibble of byte l, value l+16 in its high one.
        mutating func appendNibbles(_ value: (Int) -> UInt8) {
            for w in 0..<4 {
                var word: UInt32 = 0
                for b in 0..<4 {
                    let l = 4 * w + b
                    word |= UInt32(value(l) | value(l + 16) << 4) << (8 * b)
                }
                quants.append(word)
            }
        }

        mutating func finish(type: GGMLType, rows: Int, chunksPerRow: Int) -> PackedMatrix {
            if let last = pendingHalf { header.append(UInt32(last)) }
            // Sections start on 16-byte boundaries.
            func padded(_ words: [UInt32]) -> [UInt32] { words + Array(repeating: 0, count: (4 - words.count % 4) % 4) }
            let header = padded(header), high = padded(high)
            var packed = PackedMatrix(words: header + high + quants, type: type, rows: rows, chunksPerRow: chunksPerRow)
            packed.header = 0
            packed.high = header.count
            packed.quants = header.count + high.count
            packed.words += Array(repeating: 0, count: (4 - packed.words.count % 4) % 4)
            return packed
        }
    }
}

import Foundation

/// Float weights to GGUF blocks, one type at a time: the inverse of `Dequantize`, written from the
/// block formats. Each block's scales come from its own extremes (the K-quants' sub-block scales and
/// minimums from theirs, then rounded to 6 bits against the superblock's); no search for better scales,
/// so the error is that of plain rounding (QuantizeTests states the bounds).
public enum Quantizer {
    /// The types `quantize` writes.
    public static let types: [GGMLType] = [.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K]

    /// `values.count` must be a whole number of `type`'s blocks.
    public static func quantize(_ values: UnsafeBufferPointer<Float>, as type: GGMLType) -> [UInt8] {
        precondition(values.count % type.blockSize == 0, "\(values.count) values are not whole \(type) blocks")
        var out: [UInt8] = []
        out.reserveCapacity(values.count / type.blockSize * type.bytesPerBlock)
        for start in stride(from: 0, to: values.count, by: type.blockSize) {
            let block = UnsafeBufferPointer(rebasing: values[start..<start + type.blockSize])
            switch type {
            case .q4_0: q4_0(block, &out)
            case .q4_1: q4_1(block, &out)
            case .q5_0: q5_0(block, &out)
            case .q5_1: q5_1(block, &out)
            case .q8_0: q8_0(block, &out)
            case .q4_K: kQuant(block, levels: 15, &out)
            case .q5_K: kQuant(block, levels: 31, &out)
            case .q6_K: q6_K(block, &out)
            default: preconditionFailure("quantize: \(type) is not written (Quantizer.types lists what is)")
            }
        }
        return out
    }

    // MARK: 32-value blocks

    static func half(_ value: Float, _ out: inout [UInt8]) {
        let bits = Float16(value).bitPattern
        out += [UInt8(bits & 0xFF), UInt8(bits >> 8)]
    }

    /// The value of largest magnitude, with its sign.
    static func signedExtreme(_ x: UnsafeBufferPointer<Float>) -> Float {
        x.max { abs($0) < abs($1) } ?? 0
    }

    /// 32 values of 4 bits as 16 bytes: value j in the low nibble of byte j, value j+16 in its high one.
    static func nibbles(_ q: [Int], _ out: inout [UInt8]) {
        for j in 0..<16 { out.append(UInt8(q[j] | q[j + 16] << 4)) }
    }

    /// The fifth bits of 32 values, bit j for value j.
    static func fifthBits(_ q: [Int], _ out: inout [UInt8]) {
        var bits: UInt32 = 0
        for j in 0..<32 where q[j] & 16 != 0 { bits |= 1 << UInt32(j) }
        withUnsafeBytes(of: bits.littleEndian) { out += $0 }
    }

    /// Symmetric: the extreme value maps to −levels/2 … (so its sign picks the end), the rest rounded.
    static func symmetric(_ x: UnsafeBufferPointer<Float>, levels: Int) -> (d: Float, q: [Int]) {
        let extreme = signedExtreme(x)
        let d = extreme / -Float((levels + 1) / 2)
        let inverse: Float = d != 0 ? 1 / d : 0
        let offset = Float((levels + 1) / 2)
        return (d, x.map { min(levels, max(0, Int(($0 * inverse + offset).rounded()))) })
    }

    /// With a minimum: levels steps from the smallest value to the largest.
    static func affine(_ x: UnsafeBufferPointer<Float>, levels: Int) -> (d: Float, m: Float, q: [Int]) {
        let low = x.min() ?? 0, high = x.max() ?? 0
        let d = (high - low) / Float(levels)
        let inverse: Float = d != 0 ? 1 / d : 0
        return (d, low, x.map { min(levels, max(0, Int((($0 - low) * inverse).rounded()))) })
    }

    static func q4_0(_ x: UnsafeBufferPointer<Float>, _ out: inout [UInt8]) {
        let (d, q) = symmetric(x, levels: 15)
        half(d, &out)
        nibbles(q, &out)
    }

    static func q4_1(_ x: UnsafeBufferPointer<Float>, _ out: inout [UInt8]) {
        let (d, m, q) = affine(x, levels: 15)
        half(d, &out)
        half(m, &out)
        nibbles(q, &out)
    }

    static func q5_0(_ x: UnsafeBufferPointer<Float>, _ out: inout [UInt8]) {
        let (d, q) = symmetric(x, levels: 31)
        half(d, &out)
        fifthBits(q, &out)
        nibbles(q.map { $0 & 15 }, &out)
    }

    static func q5_1(_ x: UnsafeBufferPointer<Float>, _ out: inout [UInt8]) {
        let (d, m, q) = affine(x, levels: 31)
        half(d, &out)
        half(m, &out)
        fifthBits(q, &out)
        nibbles(q.map { $0 & 15 }, &out)
    }

    static func q8_0(_ x: UnsafeBufferPointer<Float>, _ out: inout [UInt8]) {
        let amax = x.map(abs).max() ?? 0
        let d = amax / 127
        let inverse: Float = d != 0 ? 1 / d : 0
        half(d, &out)
        for value in x { out.append(UInt8(bitPattern: Int8(max(-127, min(127, (value * inverse).rounded()))))) }
    }

    // MARK: 256-value superblocks

    /// Q4_K (levels 15) and Q5_K (31): per 32 values a scale and a minimum (never above zero, as the
    /// format subtracts it), both rounded to 6 bits against the superblock's largest.
    static func kQuant(_ x: UnsafeBufferPointer<Float>, levels: Int, _ out: inout [UInt8]) {
        var scales = [Float](repeating: 0, count: 8), minimums = [Float](repeating: 0, count: 8)
        for group in 0..<8 {
            let values = x[(32 * group)..<(32 * group + 32)]
            let low = min(0, values.min() ?? 0), high = values.max() ?? 0
            scales[group] = (high - low) / Float(levels)
            minimums[group] = -low
        }
        let d = (scales.max() ?? 0) / 63, dmin = (minimums.max() ?? 0) / 63
        // Rounded through f16 first: the values the reader will use.
        let dStored = Float(Float16(d)), dminStored = Float(Float16(dmin))
        let scaleCodes = scales.map { dStored > 0 ? min(63, Int(($0 / dStored).rounded())) : 0 }
        let minimumCodes = minimums.map { dminStored > 0 ? min(63, Int(($0 / dminStored).rounded())) : 0 }
        var q = [Int](repeating: 0, count: 256)
        for group in 0..<8 {
            let step = dStored * Float(scaleCodes[group]), minimum = dminStored * Float(minimumCodes[group])
            let inverse: Float = step > 0 ? 1 / step : 0
            for l in 0..<32 { q[32 * group + l] = min(levels, max(0, Int(((x[32 * group + l] + minimum) * inverse).rounded()))) }
        }
        half(d, &out)
        half(dmin, &out)
        out += packScales(scaleCodes, minimumCodes)
        if levels == 31 {
            // Bit j of byte l: group j's value l.
            for l in 0..<32 {
                var byte: UInt8 = 0
                for group in 0..<8 where q[32 * group + l] & 16 != 0 { byte |= 1 << UInt8(group) }
                out.append(byte)
            }
        }
        // Each 32 bytes hold two groups: the first in the low nibbles, the second in the high ones.
        for chunk in 0..<4 {
            for l in 0..<32 { out.append(UInt8((q[64 * chunk + l] & 15) | (q[64 * chunk + 32 + l] & 15) << 4)) }
        }
    }

    /// Eight 6-bit scales and eight 6-bit minimums in 12 bytes (the layout `Dequantize.kScaleAndMin` reads).
    static func packScales(_ scales: [Int], _ minimums: [Int]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 12)
        for j in 0..<4 {
            bytes[j] = UInt8(scales[j] & 63) | UInt8((scales[j + 4] >> 4) << 6)
            bytes[j + 4] = UInt8(minimums[j] & 63) | UInt8((minimums[j + 4] >> 4) << 6)
            bytes[j + 8] = UInt8(scales[j + 4] & 15) | UInt8(minimums[j + 4] & 15) << 4
        }
        return bytes
    }

    /// Q6_K: a signed scale per 16 values (−32…31 levels), the scales as int8 against one d.
    static func q6_K(_ x: UnsafeBufferPointer<Float>, _ out: inout [UInt8]) {
        var scales = [Float](repeating: 0, count: 16)
        for group in 0..<16 {
            let values = UnsafeBufferPointer(rebasing: x[(16 * group)..<(16 * group + 16)])
            scales[group] = signedExtreme(values) / -32
        }
        let largest = scales.max { abs($0) < abs($1) } ?? 0
        let d = largest / -128
        let dStored = Float(Float16(d))
        let codes = scales.map { dStored != 0 ? max(-128, min(127, Int(($0 / dStored).rounded()))) : 0 }
        var q = [Int](repeating: 32, count: 256)
        for group in 0..<16 {
            let step = dStored * Float(codes[group])
            let inverse: Float = step != 0 ? 1 / step : 0
            for l in 0..<16 { q[16 * group + l] = min(63, max(0, Int((x[16 * group + l] * inverse).rounded()) + 32)) }
        }
        // ql: per 128 values, 64 bytes (low nibbles of values l and l+64, of l+32 and l+96); qh: 32 bytes
        // (bits 2·k of byte l for value l + 32·k).
        var ql = [UInt8](repeating: 0, count: 128), qh = [UInt8](repeating: 0, count: 64)
        for half128 in 0..<2 {
            for l in 0..<32 {
                let base = 128 * half128
                let (q1, q2, q3, q4) = (q[base + l], q[base + l + 32], q[base + l + 64], q[base + l + 96])
                ql[64 * half128 + l] = UInt8((q1 & 15) | (q3 & 15) << 4)
                ql[64 * half128 + l + 32] = UInt8((q2 & 15) | (q4 & 15) << 4)
                qh[32 * half128 + l] = UInt8((q1 >> 4) | (q2 >> 4) << 2 | (q3 >> 4) << 4 | (q4 >> 4) << 6)
            }
        }
        out += ql
        out += qh
        out += codes.map { UInt8(bitPattern: Int8($0)) }
        half(d, &out)
    }
}

/// Reference dequantization: GGUF blocks to Float, one block at a time. Plain and obviously correct,
/// this is what the fast kernels are tested against (and what the tests check against the `gguf`
/// Python package's reading of the same bytes).
public enum Dequantize {
    /// Dequantizes `count` elements (whole blocks) of `type` from `source` into `destination`.
    public static func elements(
        _ count: Int, of type: GGMLType, from source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>
    ) {
        let blocks = count / type.blockSize
        precondition(blocks * type.bytesPerBlock <= source.count && count <= destination.count, "dequantize: buffers too small")
        for block in 0..<blocks {
            let bytes = UnsafeRawBufferPointer(rebasing: source[(block * type.bytesPerBlock)...])
            let out = UnsafeMutableBufferPointer(rebasing: destination[(block * type.blockSize)...])
            switch type {
            case .f32: out[0] = bytes.loadUnaligned(as: Float.self)
            case .f16: out[0] = half(bytes, 0)
            case .bf16: out[0] = Float(bitPattern: UInt32(bytes.loadUnaligned(as: UInt16.self)) << 16)
            case .q4_0: q4_0(bytes, out)
            case .q4_1: q4_1(bytes, out)
            case .q5_0: q5(bytes, out, hasMinimum: false)
            case .q5_1: q5(bytes, out, hasMinimum: true)
            case .q8_0: q8_0(bytes, out)
            case .q4_K: q4_K(bytes, out)
            case .q5_K: q5_K(bytes, out)
            case .q6_K: q6_K(bytes, out)
            case .q8_1, .q2_K, .q3_K, .q8_K:
                preconditionFailure("dequantize: \(type) is not supported (GGMLType.supported lists what is)")
            }
        }
    }

    static func half(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> Float {
        Float(Float16(bitPattern: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    }

    /// 32 weights: scale d, then 16 bytes of 4-bit values (low nibbles are weights 0–15, high 16–31), offset 8.
    static func q4_0(_ bytes: UnsafeRawBufferPointer, _ out: UnsafeMutableBufferPointer<Float>) {
        let d = half(bytes, 0)
        for j in 0..<16 {
            let byte = bytes[2 + j]
            out[j] = Float(Int(byte & 0x0F) - 8) * d
            out[j + 16] = Float(Int(byte >> 4) - 8) * d
        }
    }

    /// As Q4_0 with a minimum m instead of the offset: w = q·d + m.
    static func q4_1(_ bytes: UnsafeRawBufferPointer, _ out: UnsafeMutableBufferPointer<Float>) {
        let d = half(bytes, 0), m = half(bytes, 2)
        for j in 0..<16 {
            let byte = bytes[4 + j]
            out[j] = Float(byte & 0x0F) * d + m
            out[j + 16] = Float(byte >> 4) * d + m
        }
    }

    /// 5-bit values: 4 low bits as in Q4, the fifth bits of all 32 weights in one little-endian u32.
    static func q5(_ bytes: UnsafeRawBufferPointer, _ out: UnsafeMutableBufferPointer<Float>, hasMinimum: Bool) {
        let d = half(bytes, 0)
        let m = hasMinimum ? half(bytes, 2) : 0
        let base = hasMinimum ? 4 : 2
        let high = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: base, as: UInt32.self))
        for j in 0..<16 {
            let byte = bytes[base + 4 + j]
            let low = Int(byte & 0x0F) | Int((high >> UInt32(j)) & 1) << 4
            let upper = Int(byte >> 4) | Int((high >> UInt32(j + 16)) & 1) << 4
            if hasMinimum {
                out[j] = Float(low) * d + m
                out[j + 16] = Float(upper) * d + m
            } else {
                out[j] = Float(low - 16) * d
                out[j + 16] = Float(upper - 16) * d
            }
        }
    }

    static func q8_0(_ bytes: UnsafeRawBufferPointer, _ out: UnsafeMutableBufferPointer<Float>) {
        let d = half(bytes, 0)
        for j in 0..<32 { out[j] = Float(Int8(bitPattern: bytes[2 + j])) * d }
    }

    /// 256 weights in 8 groups of 32, each with a 6-bit scale and 6-bit minimum packed into 12 bytes;
    /// w = d·scale·q − dmin·min.
    static func q4_K(_ bytes: UnsafeRawBufferPointer, _ out: UnsafeMutableBufferPointer<Float>) {
        let d = half(bytes, 0), dmin = half(bytes, 2)
        let scaleAndMin = { (group: Int) in kScaleAndMin(bytes, group) }
        // Each 32 bytes of nibbles hold two groups: low nibbles first, then high.
        for chunk in 0..<4 {
            let (scale1, min1) = scaleAndMin(2 * chunk)
            let (scale2, min2) = scaleAndMin(2 * chunk + 1)
            for l in 0..<32 {
                let byte = bytes[16 + 32 * chunk + l]
                out[64 * chunk + l] = d * scale1 * Float(byte & 0x0F) - dmin * min1
                out[64 * chunk + 32 + l] = d * scale2 * Float(byte >> 4) - dmin * min2
            }
        }
    }

    /// Q4_K with a fifth bit per weight: 256 weights in 8 groups of 32 (scales and minimums packed as
    /// Q4_K's), 32 bytes of fifth bits (bit j of byte l is group j's value l), then 128 bytes of nibbles.
    static func q5_K(_ bytes: UnsafeRawBufferPointer, _ out: UnsafeMutableBufferPointer<Float>) {
        let d = half(bytes, 0), dmin = half(bytes, 2)
        for group in 0..<8 {
            let (scale, minimum) = kScaleAndMin(bytes, group)
            for l in 0..<32 {
                let byte = bytes[48 + 32 * (group / 2) + l]
                let low = group % 2 == 0 ? byte & 0x0F : byte >> 4
                let fifth = (bytes[16 + l] >> UInt8(group)) & 1
                out[32 * group + l] = d * scale * Float(Int(low) | Int(fifth) << 4) - dmin * minimum
            }
        }
    }

    /// Q4_K's (and Q5_K's) 6-bit scale and minimum of `group`, packed into the 12 bytes at offset 4.
    static func kScaleAndMin(_ bytes: UnsafeRawBufferPointer, _ group: Int) -> (Float, Float) {
        let s = { (index: Int) in Int(bytes[4 + index]) }
        if group < 4 { return (Float(s(group) & 63), Float(s(group + 4) & 63)) }
        let scale = (s(group + 4) & 0x0F) | ((s(group - 4) >> 6) << 4)
        let minimum = (s(group + 4) >> 4) | ((s(group) >> 6) << 4)
        return (Float(scale), Float(minimum))
    }

    /// 256 weights of 6 bits (4 low bits in ql, 2 high bits in qh) in 16 groups of 16 with int8 scales,
    /// offset 32, one f16 d at the end.
    static func q6_K(_ bytes: UnsafeRawBufferPointer, _ out: UnsafeMutableBufferPointer<Float>) {
        let d = half(bytes, 208)
        for half128 in 0..<2 {
            let ql = 64 * half128, qh = 128 + 32 * half128, sc = 192 + 8 * half128, o = 128 * half128
            for l in 0..<32 {
                let group = l / 16
                let high = Int(bytes[qh + l])
                let q1 = (Int(bytes[ql + l] & 0x0F) | ((high >> 0) & 3) << 4) - 32
                let q2 = (Int(bytes[ql + l + 32] & 0x0F) | ((high >> 2) & 3) << 4) - 32
                let q3 = (Int(bytes[ql + l] >> 4) | ((high >> 4) & 3) << 4) - 32
                let q4 = (Int(bytes[ql + l + 32] >> 4) | ((high >> 6) & 3) << 4) - 32
                func scale(_ index: Int) -> Float { Float(Int8(bitPattern: bytes[sc + index])) }
                out[o + l] = d * scale(group) * Float(q1)
                out[o + l + 32] = d * scale(group + 2) * Float(q2)
                out[o + l + 64] = d * scale(group + 4) * Float(q3)
                out[o + l + 96] = d * scale(group + 6) * Float(q4)
            }
        }
    }
}

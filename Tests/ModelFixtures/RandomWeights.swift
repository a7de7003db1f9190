import Inference

/// Matrices of every weight type with random contents, for the kernels' tests.
public enum RandomWeights {
    /// Random blocks whose scales are sane halves (random scale bits could be NaN or infinite).
    public static func bytes(_ type: GGMLType, rows: Int, columns: Int, using random: inout SamplingRandom) -> [UInt8] {
        let rowBytes = columns / type.blockSize * type.bytesPerBlock
        var bytes = (0..<rows * rowBytes).map { _ in UInt8.random(in: 0...255, using: &random) }
        func half(_ value: Float, at offset: Int) {
            let bits = Float16(value).bitPattern
            bytes[offset] = UInt8(bits & 0xFF)
            bytes[offset + 1] = UInt8(bits >> 8)
        }
        let scaleOffsets: [Int] = switch type {
        case .q4_0, .q5_0, .q8_0: [0]
        case .q4_1, .q5_1, .q4_K, .q5_K: [0, 2]
        case .q6_K: [208]
        default: []
        }
        for block in stride(from: 0, to: bytes.count, by: type.bytesPerBlock) where !scaleOffsets.isEmpty {
            for offset in scaleOffsets { half(Float.random(in: -0.05...0.05, using: &random), at: block + offset) }
        }
        switch type {
        case .f32:
            for index in stride(from: 0, to: bytes.count, by: 4) {
                withUnsafeBytes(of: Float.random(in: -1...1, using: &random)) { for byte in 0..<4 { bytes[index + byte] = $0[byte] } }
            }
        case .f16:
            for index in stride(from: 0, to: bytes.count, by: 2) { half(Float.random(in: -1...1, using: &random), at: index) }
        case .bf16:
            for index in stride(from: 0, to: bytes.count, by: 2) {
                let bits = Float.random(in: -1...1, using: &random).bitPattern >> 16
                bytes[index] = UInt8(bits & 0xFF)
                bytes[index + 1] = UInt8(bits >> 8)
            }
        default: break
        }
        return bytes
    }
}

/// The shaders' push constants, field for field as the GLSL declares them (all 4-byte, std430).
protocol PushConstants {}

extension PushConstants {
    func withBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        withUnsafeBytes(of: self, body)
    }
}

/// weights.glsl's WeightPush: the matmul and embedding kernels.
struct WeightPush: PushConstants {
    var rows: UInt32 = 0
    var chunks: UInt32 = 0
    var tokens: UInt32 = 0
    var xStride: UInt32 = 0
    var outStride: UInt32 = 0
    var outOffset: UInt32 = 0
    var header: UInt32 = 0
    var high: UInt32 = 0
    var quants: UInt32 = 0
    var flags: UInt32 = 0
    var scale: Float = 1
    var pad: UInt32 = 0

    static let accumulate: UInt32 = 1
    static let gelu: UInt32 = 2
}

/// rms_norm.comp
struct NormPush: PushConstants {
    var width: UInt32
    var xStride: UInt32
    var yStride: UInt32
    var gather: UInt32
    var epsilon: Float
    /// 1: (1 + weight); 2: add to the output.
    var flags: UInt32 = 0

    static let add: UInt32 = 2
}

/// head_norm.comp
struct HeadNormPush: PushConstants {
    var heads: UInt32
    var kvHeads: UInt32
    var headDim: UInt32
    var rowStride: UInt32
    var epsilon: Float
    var pad: UInt32 = 0
}

/// rope.comp
struct RopePush: PushConstants {
    var heads: UInt32
    var kvHeads: UInt32
    var headDim: UInt32
    var rowStride: UInt32
    var context: UInt32
    var adjacent: UInt32
    var biased: UInt32
    var pad: UInt32 = 0
}

/// attention.comp
struct AttentionPush: PushConstants {
    var heads: UInt32
    var kvHeads: UInt32
    var headDim: UInt32
    var rowStride: UInt32
    var context: UInt32
    var scale: Float
    var window: UInt32 = 0
    var pad: UInt32 = 0
}

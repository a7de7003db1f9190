import CInferenceKernels

/// A weight matrix where it lies in the mapped file, multiplied by the C kernels. ggml's shape
/// [columns, rows]: each output row is one contiguous run of blocks.
public struct WeightMatrix: @unchecked Sendable {
    /// The tensor's name in the file (what a backend keys its own copy by).
    public let name: String
    public let base: UnsafeRawPointer
    public let type: GGMLType
    public let columns: Int
    public let rows: Int
    public let rowBytes: Int
    /// The rows repacked for the CPU's kernels (groups of 8 rows), when this CPU and type have a packing.
    var packed: PackedWeights?

    /// `rows` rows of `columns` values of `type` at `base` (tests build matrices from bytes).
    init(name: String, base: UnsafeRawPointer, type: GGMLType, columns: Int, rows: Int) {
        self.name = name
        self.base = base
        self.type = type
        self.columns = columns
        self.rows = rows
        rowBytes = columns / type.blockSize * type.bytesPerBlock
    }

    /// Rows `range` of this matrix, in place (Phi-3's fused tensors hold several projections).
    func rows(_ range: Range<Int>, name: String) -> WeightMatrix {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "rows \(range) of \(self.name)'s \(rows)")
        return WeightMatrix(name: name, base: base + range.lowerBound * rowBytes, type: type, columns: columns, rows: range.count)
    }

    init(_ tensor: GGUFFile.Tensor, in file: MappedFile) {
        precondition(tensor.dimensions.count == 2, "\(tensor.name) is not a matrix")
        name = tensor.name
        base = UnsafeRawPointer(file.bytes.baseAddress!) + tensor.offset
        type = tensor.type
        columns = tensor.dimensions[0]
        rows = tensor.dimensions[1]
        rowBytes = columns / type.blockSize * type.bytesPerBlock
    }

    /// out[t·outStride + r] = row r · activation t for `rowRange`. Quantized types read `quantized`,
    /// float types read `floats`; both hold `tokens` activations of `columns` values.
    func multiply(rows rowRange: Range<Int>, floats: UnsafePointer<Float>, quantized: UnsafePointer<mowai_q8_block>,
                  tokens: Int, into out: UnsafeMutablePointer<Float>, outStride: Int) {
        guard !rowRange.isEmpty, tokens > 0 else { return }
        if let packed {
            precondition(rowRange.lowerBound % 8 == 0 && rowRange.upperBound % 8 == 0, "packed rows go 8 at a time, not \(rowRange)")
            mowai_matmul_packed(Int32(type.rawValue), packed.pointer, Int32(columns), Int32(rowRange.lowerBound),
                                Int32(rowRange.upperBound), quantized, Int32(tokens), out, Int32(outStride))
            return
        }
        mowai_matmul(Int32(type.rawValue), base, rowBytes, Int32(columns), Int32(rowRange.lowerBound), Int32(rowRange.upperBound),
                     quantized, floats, Int32(tokens), out, Int32(outStride))
    }

    /// Row `row` as floats (the embedding lookup).
    func dequantizeRow(_ row: Int, into destination: UnsafeMutablePointer<Float>) {
        // A packed tied head's file pages are let go: its lookups read the packed rows (the same values).
        if let packed {
            mowai_packed_row(Int32(type.rawValue), packed.pointer, Int32(columns), Int32(row), destination)
            return
        }
        Dequantize.elements(columns, of: type, from: UnsafeRawBufferPointer(start: base + row * rowBytes, count: rowBytes),
                            into: UnsafeMutableBufferPointer(start: destination, count: columns))
    }
}

/// A matrix's rows copied into the packed layout of the CPU kernels (mowai_pack): each group of 8 rows
/// interleaved 4 values at a time, as bytes, so that one instruction multiplies 8 rows by a token, and
/// with float (Q4_1: half) scales, so that a block's sums of 8 rows are scaled by one vector FMA. Prompt
/// processing multiplies several times faster so, and decode of Q4_1 about 1.5× (its unpacked kernel is
/// bound by instructions, not by reading). The layout takes the file's bytes (Q4_1, Q8_0) or a little more
/// (Q5_0 1.09×, Q4_K 1.33×, Q6_K 1.52×: float scales, and Q6_K as whole bytes).
final class PackedWeights: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer

    /// nil when the matrix's type, shape or this CPU has no packing. `packed(rows)` is told, slice by slice,
    /// the rows 0..<n packed so far: the caller lets their file pages go as it goes, so that a big matrix
    /// (Gemma's 178 MB head) is never resident twice.
    init?(_ matrix: WeightMatrix, packed: (Int) -> Void = { _ in }) {
        let type = Int32(matrix.type.rawValue)
        let size = mowai_packed_size(type, Int32(matrix.rows), Int32(matrix.columns))
        guard size > 0 else { return nil }
        pointer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        // Slices of 1024 rows (a multiple of 8): each group of 8 rows is its own run of the packed bytes.
        let groupBytes = size / (matrix.rows / 8)
        for start in stride(from: 0, to: matrix.rows, by: 1024) {
            let count = min(1024, matrix.rows - start)
            mowai_pack(type, matrix.base + start * matrix.rowBytes, matrix.rowBytes, Int32(count), Int32(matrix.columns),
                       pointer + start / 8 * groupBytes)
            packed(start + count)
        }
    }

    deinit { pointer.deallocate() }
}

/// An F32 vector in the mapped file (a norm's weights, a bias).
public struct WeightVector: @unchecked Sendable {
    public let name: String
    public let pointer: UnsafePointer<Float>
    public let count: Int

    public var buffer: UnsafeBufferPointer<Float> { UnsafeBufferPointer(start: pointer, count: count) }
}

/// The CPU's instruction set the kernels use ("avx2" or "scalar").
public var kernelInstructionSet: String { String(cString: mowai_kernel_isa()) }

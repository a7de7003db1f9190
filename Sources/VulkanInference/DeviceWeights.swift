import Inference
import Vulkan

/// Rows of a packed matrix in one buffer, small enough for one binding (lavapipe binds at most 128 MiB).
struct MatrixPart {
    let buffer: VulkanBuffer
    let packed: (header: Int, high: Int, quants: Int)
    /// Output rows this part computes (row pairs of a gated matrix), and the first of them.
    let rows: Int
    let firstRow: Int
}

/// A matrix as the device holds it: one or more parts, all of one type.
struct DeviceMatrix {
    let type: GGMLType
    let chunksPerRow: Int
    /// Gate and up rows interleaved: each output row is a pair.
    let gated: Bool
    let parts: [MatrixPart]
    var bytes: Int { parts.reduce(0) { $0 + $1.buffer.bytes } }
}

/// Copies data into device buffers through one staging buffer, a piece at a time.
final class Uploader {
    let device: VulkanDevice
    private let staging: VulkanBuffer
    private let stream: CommandStream

    init(device: VulkanDevice, stagingBytes: Int = 16 << 20) throws(VulkanError) {
        self.device = device
        staging = try VulkanBuffer(device: device, bytes: stagingBytes, location: .upload)
        stream = try CommandStream(device: device)
    }

    /// A device buffer holding `bytes` (its length rounded up to 16).
    func upload(_ bytes: UnsafeRawBufferPointer) throws(VulkanError) -> VulkanBuffer {
        let target = try VulkanBuffer(device: device, bytes: (bytes.count + 15) & ~15, location: .device)
        try copy(bytes, into: target, at: 0)
        return target
    }

    func copy(_ bytes: UnsafeRawBufferPointer, into target: VulkanBuffer, at offset: Int) throws(VulkanError) {
        guard let contents = staging.contents, let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let piece = min(staging.bytes, bytes.count - done)
            contents.copyMemory(from: base + done, byteCount: piece)
            staging.flush()
            try stream.begin()
            stream.copy(from: BufferRange(staging, offset: 0, bytes: (piece + 3) & ~3), to: BufferRange(target, offset: offset + done))
            try stream.submitAndWait()
            done += piece
        }
    }

    func upload<Element>(_ array: [Element]) throws(VulkanError) -> VulkanBuffer {
        let result = array.withUnsafeBytes { raw -> Result<VulkanBuffer, VulkanError> in
            do throws(VulkanError) { return .success(try upload(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// A zero-filled device buffer.
    func zeroed(bytes: Int) throws(VulkanError) -> VulkanBuffer {
        let buffer = try VulkanBuffer(device: device, bytes: (bytes + 15) & ~15, location: .device)
        try stream.begin()
        stream.fill(BufferRange(buffer))
        try stream.submitAndWait()
        return buffer
    }

    /// Packs `rows` (from one or more matrices of one type) and uploads them in parts no larger than
    /// `maxPartBytes`. With `gated`, rows come in gate/up pairs and a part never splits a pair.
    func matrix(_ rows: [(matrix: WeightMatrix, row: Int)], gated: Bool, maxPartBytes: Int) throws(VulkanError) -> DeviceMatrix {
        let first = rows[0].matrix
        let rowBytes = DeviceLayout.packedBytes(perRow: first) + 8
        let step = gated ? 2 : 1
        let perPart = max(step, (maxPartBytes - 64) / rowBytes / step * step)
        var parts: [MatrixPart] = []
        var start = 0
        while start < rows.count {
            let slice = Array(rows[start..<min(rows.count, start + perPart)])
            let packed = DeviceLayout.pack(slice)
            let buffer = try upload(packed.words)
            parts.append(MatrixPart(buffer: buffer, packed: (packed.header, packed.high, packed.quants),
                                    rows: slice.count / step, firstRow: start / step))
            start += slice.count
        }
        return DeviceMatrix(type: first.type, chunksPerRow: first.columns / 32, gated: gated, parts: parts)
    }
}

/// Small float vectors (norm weights, biases) side by side in one buffer, each at an aligned offset.
struct VectorPack {
    private(set) var floats: [Float] = []
    private(set) var offsets: [String: (offset: Int, count: Int)] = [:]
    let alignment: Int

    init(alignment: Int) { self.alignment = max(4, alignment) }

    /// Adds `vectors` one after another (read as one vector); returns their key.
    @discardableResult
    mutating func add(_ key: String, _ vectors: [WeightVector]) -> String {
        guard offsets[key] == nil else { return key }
        let alignFloats = alignment / 4
        floats += Array(repeating: 0, count: (alignFloats - floats.count % alignFloats) % alignFloats)
        let offset = floats.count
        for vector in vectors { floats += vector.buffer }
        offsets[key] = (offset * 4, floats.count - offset)
        return key
    }

    func range(_ key: String, in buffer: VulkanBuffer) -> BufferRange? {
        offsets[key].map { BufferRange(buffer, offset: $0.offset, bytes: $0.count * 4) }
    }
}

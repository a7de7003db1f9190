import Foundation

/// What `mowai quantize` makes of each tensor: one type for every weight matrix, or the mixed Q4_K_M
/// recipe. Vectors (norms, biases, RoPE factors) stay as they are.
public enum QuantizeTarget: Equatable, Sendable, CustomStringConvertible {
    case uniform(GGMLType)
    /// Q4_K everywhere but the output head and half the value and down projections (the first and last
    /// eighth of the layers and every third between), which get Q6_K: llama.cpp's Q4_K_M.
    case q4KM

    public static let names = Quantizer.types.map(\.description) + ["Q4_K_M"]

    public init?(name: String) {
        if name.uppercased() == "Q4_K_M" { self = .q4KM; return }
        guard let type = Quantizer.types.first(where: { $0.description == name.uppercased() }) else { return nil }
        self = .uniform(type)
    }

    public var description: String {
        switch self {
        case .uniform(let type): type.description
        case .q4KM: "Q4_K_M"
        }
    }

    /// The type of tensor `name` (of `dimensions`) in a model of `layers` blocks; nil keeps it as it is.
    public func type(of name: String, dimensions: [Int], layers: Int) -> GGMLType? {
        guard dimensions.count == 2 else { return nil }
        var chosen: GGMLType
        switch self {
        case .uniform(let type):
            chosen = type
        case .q4KM:
            chosen = .q4_K
            if name == "output.weight" {
                chosen = .q6_K
            } else if name.hasSuffix(".attn_v.weight") || name.hasSuffix(".ffn_down.weight") || name.hasSuffix(".attn_qkv.weight"),
                      let layer = Self.layer(of: name), Self.moreBits(layer: layer, of: layers) {
                chosen = .q6_K
            }
        }
        // Rows that are not whole superblocks take the nearest 32-value type (as llama.cpp falls back).
        if dimensions[0] % chosen.blockSize != 0 {
            chosen = switch chosen {
            case .q4_K: .q5_0
            case .q5_K: .q5_1
            case .q6_K: .q8_0
            default: chosen
            }
        }
        return dimensions[0] % chosen.blockSize == 0 ? chosen : nil
    }

    static func layer(of name: String) -> Int? {
        let parts = name.split(separator: ".")
        guard parts.count >= 2, parts[0] == "blk" else { return nil }
        return Int(parts[1])
    }

    static func moreBits(layer: Int, of layers: Int) -> Bool {
        layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2
    }
}

/// Why a quantization did not happen, for the one line the user sees.
public enum QuantizeError: Error, Equatable, CustomStringConvertible {
    case sameFile(String)
    case alreadyQuantized(tensor: String, type: GGMLType)
    case unsupportedType(tensor: String, type: GGMLType)
    case write(path: String, reason: String)

    public var description: String {
        switch self {
        case .sameFile(let path): "the output \(path) is the input: write the quantized model to another file"
        case .alreadyQuantized(let tensor, let type):
            "tensor \(tensor) is already \(type): quantizing it again loses more precision (pass --allow-requantize to do it anyway)"
        case .unsupportedType(let tensor, let type): "tensor \(tensor) is \(type), which mowai cannot read (it reads \(GGMLType.supported.map(\.description).sorted().joined(separator: ", ")))"
        case .write(let path, let reason): "cannot write \(path): \(reason)"
        }
    }
}

/// Rewrites a GGUF file with its weight matrices quantized: the metadata as it was, a new tensor
/// directory, each tensor's data aligned as the file asks. The output appears only when complete: it is
/// written beside its final name and renamed, and removed on any failure.
public enum ModelQuantizer {
    public struct Step: Sendable {
        public let index: Int
        public let count: Int
        public let name: String
        public let from: GGMLType
        public let to: GGMLType
    }

    public static func run(input: GGUFModelFile, output path: String, target: QuantizeTarget, allowRequantize: Bool = false,
                           progress: (Step) -> Void = { _ in }) throws(QuantizeError) {
        let gguf = input.gguf
        let inputPath = URL(fileURLWithPath: gguf.file).resolvingSymlinksInPath().path
        let outputPath = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard inputPath != outputPath else { throw .sameFile(path) }
        let layers = gguf.architecture.flatMap { gguf.metadata["\($0).block_count"]?.integer } ?? 0
        let plan = gguf.tensors.map { tensor in (tensor, target.type(of: tensor.name, dimensions: tensor.dimensions, layers: layers)) }
        for (tensor, type) in plan {
            guard let type, type != tensor.type else { continue }
            guard GGMLType.supported.contains(tensor.type) else { throw .unsupportedType(tensor: tensor.name, type: tensor.type) }
            if ![.f32, .f16, .bf16].contains(tensor.type) && !allowRequantize { throw .alreadyQuantized(tensor: tensor.name, type: tensor.type) }
        }

        let partial = path + ".partial-\(getpid())"
        guard FileManager.default.createFile(atPath: partial, contents: nil), let handle = FileHandle(forWritingAtPath: partial) else {
            throw .write(path: path, reason: String(cString: strerror(errno)))
        }
        do {
            defer { try? handle.close() }
            try write(gguf, input: input, plan: plan, to: handle, progress: progress)
            try handle.synchronize()
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw .write(path: path, reason: "\(error)")
        }
        guard rename(partial, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: partial)
            throw .write(path: path, reason: reason)
        }
    }

    private static func write(_ gguf: GGUFFile, input: GGUFModelFile, plan: [(GGUFFile.Tensor, GGMLType?)], to handle: FileHandle,
                              progress: (Step) -> Void) throws {
        let alignment = gguf.alignment
        func padded(_ count: Int) -> Int { (count + alignment - 1) / alignment * alignment }
        let types = plan.map { $0.1 ?? $0.0.type }
        let sizes = zip(plan, types).map { $0.0.elementCount / $1.blockSize * $1.bytesPerBlock }

        var header = Data("GGUF".utf8)
        func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { header.append(contentsOf: $0) } }
        func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { header.append(contentsOf: $0) } }
        u32(3)
        u64(UInt64(plan.count))
        u64(UInt64(gguf.metadataCount))
        header.append(contentsOf: UnsafeRawBufferPointer(rebasing: input.mapping.bytes[gguf.metadataRange]))
        var offset = 0
        for ((tensor, _), (type, size)) in zip(plan, zip(types, sizes)) {
            u64(UInt64(tensor.name.utf8.count))
            header.append(contentsOf: Array(tensor.name.utf8))
            u32(UInt32(tensor.dimensions.count))
            for dimension in tensor.dimensions { u64(UInt64(dimension)) }
            u32(type.rawValue)
            u64(UInt64(offset))
            offset = padded(offset + size)
        }
        header.append(contentsOf: [UInt8](repeating: 0, count: padded(header.count) - header.count))
        try handle.write(contentsOf: header)

        for (index, ((tensor, _), (type, size))) in zip(plan, zip(types, sizes)).enumerated() {
            progress(Step(index: index + 1, count: plan.count, name: tensor.name, from: tensor.type, to: type))
            let source = UnsafeRawBufferPointer(rebasing: input.mapping.bytes[tensor.offset..<(tensor.offset + tensor.byteCount)])
            if type == tensor.type {
                try handle.write(contentsOf: Data(source))
            } else {
                var floats = [Float](repeating: 0, count: tensor.elementCount)
                floats.withUnsafeMutableBufferPointer { Dequantize.elements(tensor.elementCount, of: tensor.type, from: source, into: $0) }
                let bytes = floats.withUnsafeBufferPointer { Quantizer.quantize($0, as: type) }
                precondition(bytes.count == size, "\(tensor.name): \(bytes.count) bytes written, \(size) planned")
                try handle.write(contentsOf: bytes)
            }
            try handle.write(contentsOf: [UInt8](repeating: 0, count: padded(size) - size))
        }
    }
}

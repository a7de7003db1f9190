/// A parsed GGUF file: its metadata, its tensor directory, and where the tensor data starts.
/// Parsing reads only the header; tensor data is used in place (see `MappedFile`).
public struct GGUFFile: Sendable {
    public struct Tensor: Sendable, Equatable {
        public let name: String
        /// ggml's order: the fastest-varying dimension first.
        public let dimensions: [Int]
        public let type: GGMLType
        /// From the start of the file.
        public let offset: Int
        public let byteCount: Int
        public var elementCount: Int { dimensions.reduce(1, *) }
    }

    public let file: String
    public let version: UInt32
    public let metadata: [String: GGUFValue]
    /// Keys in file order (for listing).
    public let keys: [String]
    public let tensors: [Tensor]
    public let alignment: Int
    public let dataOffset: Int
    /// Where the metadata's key/value pairs lie in the file (a rewriter copies them as they are).
    public let metadataRange: Range<Int>
    /// How many key/value pairs that range holds.
    public let metadataCount: Int

    public func tensor(named name: String) -> Tensor? { tensors.first { $0.name == name } }

    public var architecture: String? { metadata["general.architecture"]?.string }

    /// Parses the header of the GGUF bytes in `buffer` (the whole file, usually a mapping).
    public init(parsing buffer: UnsafeRawBufferPointer, file: String) throws(GGUFError) {
        var reader = ByteReader(buffer: buffer, file: file)
        guard buffer.count >= 4, buffer.loadUnaligned(fromByteOffset: 0, as: UInt32.self) == 0x4655_4747 else {
            throw .notGGUF(file: file)
        }
        reader.offset = 4
        let version = try reader.read(UInt32.self, "the version")
        guard version == 2 || version == 3 else { throw .unsupportedVersion(file: file, version: version) }
        let tensorCount = try reader.count("the tensor count", minimumBytesEach: 24)
        let keyCount = try reader.count("the metadata count", minimumBytesEach: 12)

        let metadataStart = reader.offset
        var metadata: [String: GGUFValue] = [:]
        var keys: [String] = []
        keys.reserveCapacity(keyCount)
        for _ in 0..<keyCount {
            let key = try reader.string("a metadata key")
            let rawType = try reader.read(UInt32.self, "the type of \(key)")
            let value = try reader.value(rawType: rawType, key: key)
            if metadata.updateValue(value, forKey: key) == nil { keys.append(key) }
        }

        let metadataEnd = reader.offset
        let alignment = metadata["general.alignment"]?.integer ?? 32
        guard alignment > 0, alignment <= 1 << 16, alignment & (alignment - 1) == 0 else {
            throw .invalid(file: file, what: "general.alignment is \(alignment), not a power of two")
        }

        var directory: [(name: String, dimensions: [Int], type: GGMLType, relativeOffset: Int)] = []
        directory.reserveCapacity(tensorCount)
        for _ in 0..<tensorCount {
            let name = try reader.string("a tensor name")
            let dimensionCount = try reader.read(UInt32.self, "the dimensions of \(name)")
            guard (1...8).contains(dimensionCount) else {
                throw .invalid(file: file, what: "tensor \(name) has \(dimensionCount) dimensions")
            }
            var dimensions: [Int] = []
            for _ in 0..<dimensionCount {
                let dimension = try reader.read(UInt64.self, "a dimension of \(name)")
                guard dimension > 0, dimension < 1 << 40 else {
                    throw .invalid(file: file, what: "tensor \(name) has a dimension of \(dimension)")
                }
                dimensions.append(Int(dimension))
            }
            let rawType = try reader.read(UInt32.self, "the type of \(name)")
            guard let type = GGMLType(rawValue: rawType) else {
                throw .unknownTensorType(file: file, tensor: name, type: rawType)
            }
            let relativeOffset = try reader.read(UInt64.self, "the offset of \(name)")
            guard relativeOffset < UInt64(buffer.count) else { throw .tensorOutOfBounds(file: file, tensor: name) }
            directory.append((name, dimensions, type, Int(relativeOffset)))
        }

        let dataOffset = (reader.offset + alignment - 1) / alignment * alignment
        var tensors: [Tensor] = []
        tensors.reserveCapacity(directory.count)
        for entry in directory {
            let (elements, overflow) = entry.dimensions.reduce((1, false)) { partial, dimension in
                let product = partial.0.multipliedReportingOverflow(by: dimension)
                return (product.partialValue, partial.1 || product.overflow)
            }
            guard !overflow, elements % entry.type.blockSize == 0 else {
                throw .invalid(file: file, what: "tensor \(entry.name) has \(entry.dimensions) elements, not whole \(entry.type) blocks")
            }
            // A tensor that claims more bytes than an Int holds is no tensor (found by fuzzing: it trapped).
            let (byteCount, tooLarge) = (elements / entry.type.blockSize).multipliedReportingOverflow(by: entry.type.bytesPerBlock)
            guard !tooLarge else { throw .tensorOutOfBounds(file: file, tensor: entry.name) }
            let offset = dataOffset + entry.relativeOffset
            guard entry.relativeOffset % alignment == 0 else {
                throw .invalid(file: file, what: "tensor \(entry.name) is not aligned to \(alignment) bytes")
            }
            guard offset <= buffer.count, byteCount <= buffer.count - offset else {
                throw .tensorOutOfBounds(file: file, tensor: entry.name)
            }
            tensors.append(Tensor(name: entry.name, dimensions: entry.dimensions, type: entry.type,
                                  offset: offset, byteCount: byteCount))
        }

        self.file = file
        self.version = version
        self.metadata = metadata
        self.keys = keys
        self.tensors = tensors
        self.alignment = alignment
        self.dataOffset = dataOffset
        metadataRange = metadataStart..<metadataEnd
        metadataCount = keyCount
    }
}

/// Little-endian reads that check every length against what is left of the file.
struct ByteReader {
    let buffer: UnsafeRawBufferPointer
    let file: String
    var offset = 0

    init(buffer: UnsafeRawBufferPointer, file: String) {
        self.buffer = buffer
        self.file = file
    }

    private func need(_ count: Int, _ what: String) throws(GGUFError) {
        guard count >= 0, count <= buffer.count - offset else {
            throw .truncated(file: file, reading: what, at: offset, size: buffer.count)
        }
    }

    mutating func read<T: FixedWidthInteger>(_ type: T.Type, _ what: String) throws(GGUFError) -> T {
        try need(MemoryLayout<T>.size, what)
        let value = T(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += MemoryLayout<T>.size
        return value
    }

    /// A u64 count, refused when even the smallest elements would not fit in the rest of the file.
    mutating func count(_ what: String, minimumBytesEach: Int) throws(GGUFError) -> Int {
        let value = try read(UInt64.self, what)
        guard value <= UInt64(buffer.count - offset) / UInt64(max(1, minimumBytesEach)) else {
            throw .invalid(file: file, what: "\(what) is \(value), more than the file could hold")
        }
        return Int(value)
    }

    mutating func string(_ what: String) throws(GGUFError) -> String {
        let length = try read(UInt64.self, "the length of \(what)")
        guard length <= UInt64(buffer.count - offset) else {
            throw .truncated(file: file, reading: what, at: offset, size: buffer.count)
        }
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + Int(length)])
        offset += Int(length)
        // Invalid UTF-8 (corrupt files, odd tokenizers) is kept readable with replacement characters.
        return String(decoding: bytes, as: UTF8.self)
    }

    mutating func value(rawType: UInt32, key: String, depth: Int = 0) throws(GGUFError) -> GGUFValue {
        guard let type = GGUFValueType(rawValue: rawType) else {
            throw .invalid(file: file, what: "metadata \(key) has value type \(rawType)")
        }
        switch type {
        case .uint8: return .uint(UInt64(try read(UInt8.self, key)))
        case .int8: return .int(Int64(try read(Int8.self, key)))
        case .uint16: return .uint(UInt64(try read(UInt16.self, key)))
        case .int16: return .int(Int64(try read(Int16.self, key)))
        case .uint32: return .uint(UInt64(try read(UInt32.self, key)))
        case .int32: return .int(Int64(try read(Int32.self, key)))
        case .uint64: return .uint(try read(UInt64.self, key))
        case .int64: return .int(try read(Int64.self, key))
        case .float32: return .float(Double(Float(bitPattern: try read(UInt32.self, key))))
        case .float64: return .float(Double(bitPattern: try read(UInt64.self, key)))
        case .bool:
            let byte = try read(UInt8.self, key)
            guard byte <= 1 else { throw .invalid(file: file, what: "metadata \(key) is a bool of \(byte)") }
            return .bool(byte == 1)
        case .string: return .string(try string(key))
        case .array:
            guard depth < 4 else { throw .invalid(file: file, what: "metadata \(key) nests arrays too deep") }
            let elementType = try read(UInt32.self, "the element type of \(key)")
            let count = try self.count("the length of \(key)", minimumBytesEach: 1)
            var values: [GGUFValue] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(try value(rawType: elementType, key: key, depth: depth + 1)) }
            return .array(values)
        }
    }
}

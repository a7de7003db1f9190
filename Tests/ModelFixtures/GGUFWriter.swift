import Inference

/// Builds GGUF bytes for tests, field by field, so every corruption can be made on purpose.
public struct GGUFWriter {
    public var bytes: [UInt8] = []

    public init() {}

    public mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    public mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    public mutating func string(_ value: String) {
        u64(UInt64(value.utf8.count))
        bytes += Array(value.utf8)
    }

    /// A metadata value; integers are written as 32-bit, arrays take the type of their first element.
    public mutating func write(_ value: GGUFValue) {
        switch value {
        case .uint(let value): u32(UInt32(value))
        case .int(let value): u32(UInt32(bitPattern: Int32(value)))
        case .float(let value): u32(Float(value).bitPattern)
        case .bool(let value): bytes.append(value ? 1 : 0)
        case .string(let value): string(value)
        case .array(let values):
            u32(values.first.map(Self.typeCode) ?? GGUFValueType.uint32.rawValue)
            u64(UInt64(values.count))
            for value in values { write(value) }
        }
    }

    /// The GGUF type code `write` gives a value.
    public static func typeCode(of value: GGUFValue) -> UInt32 {
        let type: GGUFValueType = switch value {
        case .uint: .uint32
        case .int: .int32
        case .float: .float32
        case .bool: .bool
        case .string: .string
        case .array: .array
        }
        return type.rawValue
    }
}

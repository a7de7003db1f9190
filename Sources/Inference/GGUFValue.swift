/// One metadata value of a GGUF file.
public indirect enum GGUFValue: Sendable, Equatable {
    case uint(UInt64)
    case int(Int64)
    case float(Double)
    case bool(Bool)
    case string(String)
    case array([GGUFValue])

    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// Any integer value that fits an Int.
    public var integer: Int? {
        switch self {
        case .uint(let value): return value <= UInt64(Int.max) ? Int(value) : nil
        case .int(let value): return Int(exactly: value)
        default: return nil
        }
    }

    public var number: Double? {
        switch self {
        case .uint(let value): return Double(value)
        case .int(let value): return Double(value)
        case .float(let value): return value
        default: return nil
        }
    }

    public var array: [GGUFValue]? {
        if case .array(let values) = self { return values }
        return nil
    }
}

/// GGUF's metadata value types (the numbers in the file).
public enum GGUFValueType: UInt32, Sendable {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6, bool = 7
    case string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12
}

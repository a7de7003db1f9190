import WasmKit

/// Reads and writes an agent's linear memory, checking every pointer and length first.
struct GuestMemoryAccess {
    let memory: Memory
    let maxStringBytes: UInt32

    /// A UTF-8 string the guest passed; invalid sequences become U+FFFD and are reported.
    func string(_ pointer: UInt32, _ length: UInt32, _ what: String) throws(AgentFault) -> (text: String, repaired: Bool) {
        guard length <= maxStringBytes else {
            throw .guestError("passed a \(what) of \(length) bytes (the limit is \(maxStringBytes))")
        }
        guard GuestRange.contains(pointer: pointer, length: length, memorySize: memory.byteCount) else {
            throw .guestError("passed an out-of-bounds \(what) (\(length) bytes at \(pointer), memory is \(memory.byteCount) bytes)")
        }
        guard length > 0 else { return ("", false) }
        let bytes = memory.withUnsafeBufferPointer(offset: UInt(pointer), count: Int(length)) { Array($0) }
        if let valid = String(validating: bytes, as: UTF8.self) { return (valid, false) }
        return (String(decoding: bytes, as: UTF8.self), true)
    }

    func write(_ bytes: [UInt8], at pointer: UInt32, _ what: String) throws(AgentFault) {
        guard GuestRange.contains(pointer: pointer, length: UInt32(clamping: bytes.count), memorySize: memory.byteCount),
              bytes.count <= Int(UInt32.max) else {
            throw .guestError("gave an out-of-bounds \(what) (\(bytes.count) bytes at \(pointer))")
        }
        guard !bytes.isEmpty else { return }
        memory.withUnsafeMutableBufferPointer(offset: UInt(pointer), count: bytes.count) { $0.copyBytes(from: bytes) }
    }

    /// Little-endian `i32`s at a 4-aligned result area.
    func writeWords(_ words: [UInt32], at pointer: UInt32, _ what: String) throws(AgentFault) {
        guard GuestRange.isAligned(pointer) else { throw .guestError("gave a misaligned \(what) (\(pointer))") }
        try write(words.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }, at: pointer, what)
    }

    func readWords(_ count: Int, at pointer: UInt32, _ what: String) throws(AgentFault) -> [UInt32] {
        guard GuestRange.isAligned(pointer) else { throw .guestError("returned a misaligned \(what) (\(pointer))") }
        guard GuestRange.contains(pointer: pointer, length: UInt32(count * 4), memorySize: memory.byteCount) else {
            throw .guestError("returned an out-of-bounds \(what) (\(pointer))")
        }
        return memory.withUnsafeBufferPointer(offset: UInt(pointer), count: count * 4) { raw in
            (0..<count).map { index in (0..<4).reduce(UInt32(0)) { $0 | UInt32(raw[index * 4 + $1]) << (8 * $1) } }
        }
    }
}

/// Why an export call ended badly. Thrown from host imports, it unwinds the guest like a trap.
enum AgentFault: Error, Equatable, CustomStringConvertible {
    /// The guest broke the ABI or the sandbox.
    case guestError(String)
    case deadline(String)
    case cancelled

    var description: String {
        switch self {
        case .guestError(let reason): return "the agent \(reason)"
        case .deadline(let reason): return reason
        case .cancelled: return "stopped"
        }
    }
}

extension Value {
    /// An `i32` argument (WasmKit has checked the types against the import's signature).
    var u32: UInt32 {
        if case .i32(let value) = self { return value }
        return 0
    }
}

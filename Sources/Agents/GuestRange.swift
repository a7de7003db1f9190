/// Whether a pointer and length a guest hands over lie inside its memory. Pure and total: a hostile
/// guest passes any 32-bit values, and the host must never read outside the memory (WasmKit would
/// take the whole process down), so the sum is formed in 64 bits.
enum GuestRange {
    static func contains(pointer: UInt32, length: UInt32, memorySize: Int) -> Bool {
        UInt64(pointer) + UInt64(length) <= UInt64(max(0, memorySize))
    }

    /// Result areas hold `i32`s: the canonical ABI wants them 4-byte aligned.
    static func isAligned(_ pointer: UInt32, to alignment: UInt32 = 4) -> Bool {
        pointer % alignment == 0
    }
}

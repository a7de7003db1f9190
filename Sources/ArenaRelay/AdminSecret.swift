/// The admin secret, compared in constant time (the original used `!==`, which leaks timing).
public struct AdminSecret: Sendable {
    private let bytes: [UInt8]

    /// nil for an empty secret: an empty secret must never authenticate anybody.
    public init?(_ secret: String) {
        guard !secret.isEmpty else { return nil }
        bytes = Array(secret.utf8)
    }

    /// Time depends only on the length of what was presented, never on where it differs.
    public func matches(_ presented: String?) -> Bool {
        guard let presented else { return false }
        let candidate = Array(presented.utf8)
        // Not the XOR of the lengths truncated to a byte: lengths 1 and 257 would then compare equal.
        var difference: UInt8 = candidate.count == bytes.count ? 0 : 1
        for index in candidate.indices {
            difference |= candidate[index] ^ bytes[index % bytes.count]
        }
        return difference == 0
    }
}

/// The key a server asks of its clients, compared in time that depends only on the lengths: a
/// client cannot learn it a byte at a time by timing refusals.
public struct APIKey: Sendable {
    private let bytes: [UInt8]

    public init(_ key: String) { bytes = Array(key.utf8) }

    /// Checks an `Authorization` header's value ("Bearer KEY"); nil when the header was missing.
    public func check(authorization: String?) -> ServeError? {
        guard let authorization, !authorization.isEmpty else { return .missingKey }
        let scheme = "bearer "
        guard authorization.count > scheme.count, authorization.prefix(scheme.count).lowercased() == scheme else {
            return .missingKey
        }
        let presented = authorization.dropFirst(scheme.count).trimmingSpaces
        return matches(Array(presented.utf8)) ? nil : .wrongKey
    }

    func matches(_ presented: [UInt8]) -> Bool {
        // Every byte of the longer one is visited, whatever differs first.
        var difference = UInt8(truncatingIfNeeded: presented.count ^ bytes.count)
        for index in 0..<max(presented.count, bytes.count) {
            let a = index < presented.count ? presented[index] : 0
            let b = index < bytes.count ? bytes[index] : 0
            difference |= a ^ b
        }
        return difference == 0 && presented.count == bytes.count
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return text
    }
}

/// Delivery latencies in microsecond buckets that widen with the value (about 1 % precision), so a
/// million samples cost a few kilobytes and percentiles are cheap.
public struct LatencyHistogram: Sendable {
    private static let subBuckets = 64
    private var counts: [Int]
    public private(set) var total = 0

    public init() {
        counts = [Int](repeating: 0, count: Self.subBuckets * 40)
    }

    public mutating func record(nanoseconds: Int64) {
        counts[Self.bucket(of: max(0, nanoseconds) / 1000)] += 1
        total += 1
    }

    public mutating func reset() {
        for index in counts.indices { counts[index] = 0 }
        total = 0
    }

    /// The latency at quantile `q` (0…1) in milliseconds, or nil without samples.
    public func percentileMs(_ q: Double) -> Double? {
        guard total > 0 else { return nil }
        let rank = max(1, Int((q * Double(total)).rounded(.up)))
        var seen = 0
        for (index, count) in counts.enumerated() where count > 0 {
            seen += count
            if seen >= rank { return Double(Self.upperBound(of: index)) / 1000 }
        }
        return Double(Self.upperBound(of: counts.count - 1)) / 1000
    }

    /// Values below 128 µs get their own bucket; above, each power of two is split in 64.
    static func bucket(of microseconds: Int64) -> Int {
        let magnitude = max(0, 63 - microseconds.leadingZeroBitCount - 6)
        return min(subBuckets * 40 - 1, subBuckets * magnitude + Int(microseconds >> Int64(magnitude)))
    }

    /// The largest value, in microseconds, that falls into `bucket`.
    static func upperBound(of bucket: Int) -> Int64 {
        let magnitude = max(0, bucket / subBuckets - 1)
        let base = Int64(bucket - subBuckets * magnitude)
        return ((base + 1) << Int64(magnitude)) - 1
    }
}

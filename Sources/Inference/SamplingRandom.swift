/// The sampler's random numbers: a permuted congruential generator (PCG-XSH-RR, 64-bit state), small,
/// fast and the same on every platform, so a seed names one text everywhere.
public struct SamplingRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    private static let multiplier: UInt64 = 6_364_136_223_846_793_005
    private static let increment: UInt64 = 1_442_695_040_888_963_407

    public init(seed: UInt64) {
        state = 0
        _ = next32()
        state &+= seed
        _ = next32()
    }

    public mutating func next() -> UInt64 {
        UInt64(next32()) << 32 | UInt64(next32())
    }

    private mutating func next32() -> UInt32 {
        let old = state
        state = old &* Self.multiplier &+ Self.increment
        let shifted = UInt32(truncatingIfNeeded: ((old >> 18) ^ old) >> 27)
        let rotation = UInt32(truncatingIfNeeded: old >> 59)
        return shifted.rotateRight(by: rotation)
    }
}

private extension UInt32 {
    func rotateRight(by count: UInt32) -> UInt32 {
        (self >> count) | (self << ((32 &- count) & 31))
    }
}

/// Sebastiano Vigna's SplitMix64: a tiny, fast generator whose whole state is one integer, so a seed fixes
/// every value the demo workload draws — the same seed gives the same traces on every platform.
///
/// Not for anything secret; Swift's own `SystemRandomNumberGenerator` is the one to use there.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SplitMix64 {
    /// A uniform draw from `range`, built only from `next()` so that it cannot change between Swift
    /// releases (the standard library's `Int.random(in:using:)` makes no such promise).
    mutating func int(in range: ClosedRange<Int64>) -> Int64 {
        let span = UInt64(bitPattern: range.upperBound &- range.lowerBound) &+ 1
        guard span != 0 else { return Int64(bitPattern: next()) }
        return range.lowerBound &+ Int64(bitPattern: next() % span)
    }

    /// A uniform draw in `[0, 1)` with 53 bits of precision.
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool {
        unit() < p
    }

    mutating func element<T>(of items: [T]) -> T {
        items[Int(next() % UInt64(items.count))]
    }

    /// A duration between `low` and `high` milliseconds, in nanoseconds.
    mutating func milliseconds(_ low: Double, _ high: Double) -> Int64 {
        Int64((low + (high - low) * unit()) * 1_000_000)
    }
}

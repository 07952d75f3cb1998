/// Sebastiano Vigna's SplitMix64: a tiny, fast generator whose whole state is one integer, so a seed fixes
/// every value drawn from it — the same seed gives the same demo traces, and the same random test cases, on every
/// platform.
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
    /// A uniform draw in `[0, 1)` with 53 bits of precision.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}

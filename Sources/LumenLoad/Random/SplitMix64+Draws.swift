import LumenModel

/// The demo workload's draws, built only from `next()` (and `unit()`) so a seed means the same on every platform.
extension SplitMix64 {
    /// A uniform draw from `range`, built only from `next()` so that it cannot change between Swift
    /// releases (the standard library's `Int.random(in:using:)` makes no such promise).
    mutating func int(in range: ClosedRange<Int64>) -> Int64 {
        let span = UInt64(bitPattern: range.upperBound &- range.lowerBound) &+ 1
        guard span != 0 else { return Int64(bitPattern: next()) }
        return range.lowerBound &+ Int64(bitPattern: next() % span)
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

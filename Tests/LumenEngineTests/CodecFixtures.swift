import LumenModel

/// Series shaped like real scrapes, plus adversarial ones, shared by the codec and block tests.
enum CodecFixtures {
    /// A deterministic generator, so failures reproduce.
    struct Random {
        private var generator: SplitMix64
        init(seed: UInt64) { generator = SplitMix64(seed: seed) }
        mutating func next() -> UInt64 { generator.next() }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
        mutating func unit() -> Double { generator.unit() }
    }

    static let start: Int64 = 1_763_700_000_000 * Timestamp.nanosecondsPerMillisecond

    /// Every `step` from `start`, `count` times.
    static func regularTimes(_ count: Int, step: Int64 = Timestamp.nanosecondsPerSecond, from: Int64 = start) -> [Int64] {
        (0..<count).map { from + Int64($0) * step }
    }

    /// One-second scrapes with a few milliseconds of jitter, as Prometheus timestamps them.
    static func jitteredTimes(_ count: Int, random: inout Random) -> [Int64] {
        (0..<count).map { index in
            start + Int64(index) * Timestamp.nanosecondsPerSecond
                + Int64(random.below(7) - 3) * Timestamp.nanosecondsPerMillisecond
        }
    }

    static func samples(_ times: [Int64], _ values: [Double]) -> [Sample] {
        zip(times, values).map { Sample(timestamp: $0, value: $1) }
    }

    /// A CPU-seconds counter: increments of 0.01 s with noise, as node_exporter reports them.
    static func cpuCounter(_ count: Int, random: inout Random) -> [Double] {
        var ticks = 123_456
        return (0..<count).map { _ in
            ticks += 90 + random.below(20)
            return Double(ticks) / 100
        }
    }

    /// Value sets that must round-trip bit for bit, whichever encoding is chosen.
    static func adversarialValues(_ count: Int, random: inout Random) -> [[Double]] {
        let specials: [Double] = [
            .nan, -.nan, .infinity, -.infinity, Double(bitPattern: Sample.staleMarkerBits), -0.0, 0.0,
            .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .ulpOfOne,
            Double(bitPattern: 0x7ff8_0000_dead_beef), 0.1 + 0.2, 1e300, 1e-300, 9_007_199_254_740_993,
        ]
        return [
            (0..<count).map { _ in Double(bitPattern: random.next()) },
            (0..<count).map { _ in specials[random.below(specials.count)] },
            (0..<count).map { index in index % 10 == 9 ? Double(bitPattern: Sample.staleMarkerBits) : Double(index) },
            (0..<count).map { _ in random.unit() * 1000 },
            (0..<count).map { index in Double(index) * 0.1 },
            (0..<count).map { _ in Double(random.below(5)) * 1e18 },
            (0..<count).map { _ in Double(Int64(bitPattern: random.next())) },
            (0..<count).map { index in index == count / 2 ? -0.0 : 1.5 },
            (0..<count).map { index in index % 2 == 0 ? 1e-22 : 1e22 },
        ]
    }
}

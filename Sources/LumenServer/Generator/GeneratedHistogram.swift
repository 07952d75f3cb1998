/// A cumulative histogram of seconds, as Prometheus exposes one: a count per upper bound (each counting every
/// observation at or below it), the sum and the count.
struct GeneratedHistogram {
    /// Upper bounds in seconds, ascending; `+Inf` is implied.
    let bounds: [Double]
    private(set) var buckets: [UInt64]
    private(set) var sum = 0.0
    private(set) var count: UInt64 = 0

    init(bounds: [Double]) {
        self.bounds = bounds
        buckets = Array(repeating: 0, count: bounds.count)
    }

    mutating func observe(seconds: Double) {
        sum += seconds
        count += 1
        for index in bounds.indices where seconds <= bounds[index] { buckets[index] += 1 }
    }

    /// Tempo's span-metrics latency buckets: 2 ms doubling to 16.384 s.
    static let spanLatencyBounds = (1...14).map { 0.001 * Double(1 << $0) }
    /// Tempo's service-graph buckets: 0.1 s doubling to 12.8 s.
    static let serviceGraphBounds = (0...7).map { 0.1 * Double(1 << $0) }
}

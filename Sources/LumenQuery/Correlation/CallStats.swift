/// Calls, errors and latency of a set of spans over a time range: what the service graph says per edge and
/// per service. Latencies are seconds, quantiles interpolated between closest ranks (as `quantile` in PromQL).
public struct CallStats: Codable, Sendable, Equatable {
    public var calls: Int
    public var errors: Int
    /// Calls per second while the calls were seen, over ``rateSeconds``: a load that ran 30 s of a 5 m range
    /// shows its own rate, not a tenth of it.
    public var rate: Double
    /// The seconds ``rate`` is over: from the first call's start to the last's, plus the mean interval between
    /// two calls (n calls evenly spaced occupy n intervals, so 600 calls 50 ms apart are 30 s at 20/s); at
    /// least one second (a single call or a burst counts as one) and at most the range.
    public var rateSeconds: Double
    /// errors / calls.
    public var errorRatio: Double
    public var p50: Double
    public var p95: Double
    public var p99: Double

    /// Durations in nanoseconds; `seen` is the seconds from the first call's start to the last's, `range` the
    /// length of the range (at least one nanosecond is assumed).
    init(durations: [Int64], errors: Int, seen: Double, range: Double) {
        calls = durations.count
        self.errors = errors
        let occupied = calls > 1 ? seen * Double(calls) / Double(calls - 1) : 0
        rateSeconds = max(min(max(occupied, 1), range), 1e-9)
        rate = Double(calls) / rateSeconds
        errorRatio = calls == 0 ? 0 : Double(errors) / Double(calls)
        // Sorted once for the three quantiles; seconds keep the nanoseconds' order.
        let sorted = durations.sorted().map { Double($0) / 1e9 }
        p50 = calls == 0 ? 0 : PromQLMath.quantile(0.5, sorted: sorted)
        p95 = calls == 0 ? 0 : PromQLMath.quantile(0.95, sorted: sorted)
        p99 = calls == 0 ? 0 : PromQLMath.quantile(0.99, sorted: sorted)
    }
}

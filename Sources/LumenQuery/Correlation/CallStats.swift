/// Calls, errors and latency of a set of spans over a time range: what the service graph says per edge and
/// per service. Latencies are seconds, quantiles interpolated between closest ranks (as `quantile` in PromQL).
public struct CallStats: Codable, Sendable, Equatable {
    public var calls: Int
    public var errors: Int
    /// Calls per second over the range.
    public var rate: Double
    /// errors / calls.
    public var errorRatio: Double
    public var p50: Double
    public var p95: Double
    public var p99: Double

    /// Durations in nanoseconds; `seconds` is the length of the range (at least one nanosecond is assumed).
    init(durations: [Int64], errors: Int, seconds: Double) {
        calls = durations.count
        self.errors = errors
        rate = Double(calls) / max(seconds, 1e-9)
        errorRatio = calls == 0 ? 0 : Double(errors) / Double(calls)
        let values = durations.map { Double($0) / 1e9 }
        p50 = calls == 0 ? 0 : PromQLMath.quantile(0.5, values)
        p95 = calls == 0 ? 0 : PromQLMath.quantile(0.95, values)
        p99 = calls == 0 ? 0 : PromQLMath.quantile(0.99, values)
    }
}

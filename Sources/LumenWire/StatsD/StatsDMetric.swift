import LumenModel

/// One StatsD line, parsed: `name:value|type[|@rate][|#tag:value,…]`.
public struct StatsDMetric: Sendable, Hashable {
    public enum MetricType: Sendable, Hashable {
        /// `c`: adds `value / sampleRate` to a counter.
        case counter
        /// `g`: sets a gauge, or with a leading `+`/`-` (`delta: true`) moves it relative to its last value.
        case gauge(delta: Bool)
        /// `ms`: a duration in milliseconds.
        case timer
        /// `h`: a sample of a distribution.
        case histogram
        /// `d`: DogStatsD's distribution; aggregated like `h`.
        case distribution
        /// `s`: a member of a set; the set's size (distinct members) is reported.
        case set
    }

    public enum Value: Sendable, Hashable {
        case number(Double)
        /// The member of a set (type `s`), any text.
        case member(String)
    }

    /// As sent (`api.requests`); made a Prometheus name when aggregated.
    public var name: String
    public var value: Value
    public var type: MetricType
    /// `@0.1` means one in ten events was sent; 1 when absent.
    public var sampleRate: Double
    /// DogStatsD tags `#key:value`, in the order sent; tags without a value are dropped.
    public var tags: [Label]

    public init(name: String, value: Value, type: MetricType, sampleRate: Double = 1, tags: [Label] = []) {
        self.name = name
        self.value = value
        self.type = type
        self.sampleRate = sampleRate
        self.tags = tags
    }
}

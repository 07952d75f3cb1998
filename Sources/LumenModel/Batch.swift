/// What one request carries into Lumen, normalised: the unit the collectors produce, the ingest log records
/// and the head applies.
public struct Batch: Hashable, Sendable {
    public var tenant: Tenant
    public var spans: [Span]
    public var logs: [LogRecord]
    public var series: [TimeSeries]
    /// What the sender said about the metric families of `series` (or of series sent earlier: remote write
    /// sends metadata in requests of its own). Kept in memory by the server, never written to the log.
    public var metadata: [MetricMetadata]

    public init(
        tenant: Tenant = .anonymous, spans: [Span] = [], logs: [LogRecord] = [], series: [TimeSeries] = [],
        metadata: [MetricMetadata] = []
    ) {
        self.tenant = tenant
        self.spans = spans
        self.logs = logs
        self.series = series
        self.metadata = metadata
    }

    /// Whether the batch holds no data to store; it may still carry `metadata`.
    public var isEmpty: Bool { spans.isEmpty && logs.isEmpty && series.isEmpty }
    public var sampleCount: Int { series.reduce(0) { $0 + $1.samples.count } }
}

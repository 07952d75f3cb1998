/// What one request carries into Lumen, normalised: the unit the collectors produce, the ingest log records
/// and the head applies.
public struct Batch: Hashable, Sendable {
    public var tenant: Tenant
    public var spans: [Span]
    public var logs: [LogRecord]
    public var series: [TimeSeries]

    public init(tenant: Tenant = .anonymous, spans: [Span] = [], logs: [LogRecord] = [], series: [TimeSeries] = []) {
        self.tenant = tenant
        self.spans = spans
        self.logs = logs
        self.series = series
    }

    public var isEmpty: Bool { spans.isEmpty && logs.isEmpty && series.isEmpty }
    public var sampleCount: Int { series.reduce(0) { $0 + $1.samples.count } }
}

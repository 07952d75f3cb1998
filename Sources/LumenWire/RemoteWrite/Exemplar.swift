import LumenModel

/// A Prometheus exemplar: one sampled observation of a series, usually carrying a `trace_id` label that
/// links the metric to a trace. Kept out of the model until the engine stores exemplars.
public struct Exemplar: Sendable, Hashable {
    /// The series the exemplar belongs to (with `__name__`).
    public var seriesLabels: Labels
    /// The exemplar's own labels (`trace_id`, `span_id` …); may be empty.
    public var labels: Labels
    /// Nanoseconds since the epoch.
    public var timestamp: Int64
    public var value: Double

    public init(seriesLabels: Labels, labels: Labels, timestamp: Int64, value: Double) {
        self.seriesLabels = seriesLabels
        self.labels = labels
        self.timestamp = timestamp
        self.value = value
    }
}

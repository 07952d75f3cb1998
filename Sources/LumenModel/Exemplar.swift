/// One sampled observation of a series, kept beside its samples: usually a histogram bucket's value with the
/// `trace_id` (and `span_id`) of a request that fell in it, so a latency spike on a chart leads to a trace.
///
/// As in Prometheus, an exemplar's labels are small: names and values together at most `maxLabelRunes`
/// Unicode characters.
public struct Exemplar: Hashable, Sendable {
    /// The exemplar's own labels (`trace_id`, `span_id` …), not the series'; may be empty.
    public var labels: Labels
    /// Nanoseconds since the epoch.
    public var timestamp: Int64
    public var value: Double

    /// Prometheus' limit on the characters of an exemplar's label names and values together.
    public static let maxLabelRunes = 128

    public init(labels: Labels, timestamp: Int64, value: Double) {
        self.labels = labels
        self.timestamp = timestamp
        self.value = value
    }

    /// Characters of the label names and values together, as `maxLabelRunes` counts them.
    public var labelRunes: Int { labels.reduce(0) { $0 + $1.name.unicodeScalars.count + $1.value.unicodeScalars.count } }

    /// The trace the exemplar points at, when its `trace_id` (or OpenTelemetry's `traceID`) label holds one.
    public var traceID: TraceID? {
        (labels["trace_id"] ?? labels["traceID"]).flatMap { TraceID(hex: $0) }
    }

    public static func == (lhs: Exemplar, rhs: Exemplar) -> Bool {
        lhs.timestamp == rhs.timestamp && lhs.value.bitPattern == rhs.value.bitPattern && lhs.labels == rhs.labels
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(timestamp)
        hasher.combine(value.bitPattern)
        hasher.combine(labels)
    }
}

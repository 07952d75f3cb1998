/// What a sender said about a metric family besides its samples: its type, unit and help text, as Prometheus'
/// `# TYPE`/`# UNIT`/`# HELP` lines, remote write's `MetricMetadata`, OTLP's metric description and unit, and
/// StatsD's metric types give it. `/api/v1/metadata` answers with it.
public struct MetricMetadata: Hashable, Sendable {
    /// Prometheus' metric types, spelled as `/api/v1/metadata` spells them.
    public enum MetricType: String, Hashable, Sendable, CaseIterable {
        case counter, gauge, histogram, gaugehistogram, summary, info, stateset, unknown
    }

    /// The family's name: a counter's includes `_total` (as the series' do), a histogram's or summary's is the
    /// name before `_bucket`, `_sum` and `_count`.
    public var metric: String
    public var type: MetricType
    /// A unit word (`seconds`, `bytes`), or empty.
    public var unit: String
    public var help: String

    public init(metric: String, type: MetricType, unit: String = "", help: String = "") {
        self.metric = metric
        self.type = type
        self.unit = unit
        self.help = help
    }
}

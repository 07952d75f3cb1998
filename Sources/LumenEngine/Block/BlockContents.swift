import LumenModel

/// One tenant's data bound for a block: what a head cut or a compaction hands to `BlockWriter`.
public struct BlockContents: Sendable {
    public var tenant: Tenant
    public var series: [(labels: Labels, samples: [Sample])] = []
    public var logStreams: [(labels: Labels, records: [LogRecord])] = []
    public var spans: [Span] = []
    public var exemplars: [(labels: Labels, exemplars: [Exemplar])] = []

    public init(tenant: Tenant) {
        self.tenant = tenant
    }

    public var isEmpty: Bool { series.isEmpty && logStreams.isEmpty && spans.isEmpty && exemplars.isEmpty }

    /// The time range covered: sample, exemplar and log times and span starts.
    var timeRange: (min: Int64, max: Int64) {
        var low = Int64.max
        var high = Int64.min
        for entry in series where !entry.samples.isEmpty {
            low = min(low, entry.samples.lazy.map(\.timestamp).min()!)
            high = max(high, entry.samples.lazy.map(\.timestamp).max()!)
        }
        for stream in logStreams {
            for record in stream.records {
                low = min(low, record.time)
                high = max(high, record.time)
            }
        }
        for span in spans {
            low = min(low, span.startTime)
            high = max(high, span.startTime)
        }
        for exemplar in exemplars.lazy.flatMap(\.exemplars) {
            low = min(low, exemplar.timestamp)
            high = max(high, exemplar.timestamp)
        }
        return low <= high ? (low, high) : (0, 0)
    }
}

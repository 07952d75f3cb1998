import LumenEngine
import LumenModel
import LumenQuery

/// `index/stats`, `index/volume` and `index/volume_range`: sizes of the streams a selector picks, from the
/// store's per-line times and sizes (line filters in the query are ignored, as Loki answers from its index).
extension LokiRoutes {
    /// `{"streams":…,"chunks":…,"entries":…,"bytes":…}`, with no status wrapper. Lumen has no chunks per
    /// stream as Loki does; `chunks` counts the streams' head and block parts that hold lines.
    func indexStats(_ parameters: LokiParameters, tenant: Tenant) throws -> JSONWriter {
        let query = try Self.logQuery(try parameters.query())
        let streams = try lines(query.matchers, parameters, tenant: tenant)
        var writer = JSONWriter()
        writer.object([
            ("streams", .integer(Int64(streams.count))), ("chunks", .integer(Int64(streams.count))),
            ("entries", .integer(Int64(streams.reduce(0) { $0 + $1.times.count }))),
            ("bytes", .integer(Int64(streams.reduce(0) { $0 + $1.sizes.reduce(0, +) }))),
        ])
        return writer
    }

    /// Bytes per group of streams: grouped by `targetLabels` (comma-separated) when given, else by the labels
    /// the selector names (`aggregateBy=labels` is not supported: series are always grouped). At most `limit`
    /// (default 100) groups, largest first. A vector at `end`, or with `range` a matrix by `step`.
    func volume(_ parameters: LokiParameters, tenant: Tenant, range: Bool) throws -> JSONWriter {
        let query = try Self.logQuery(try parameters.query())
        let (start, end) = try parameters.range()
        let streams = try lines(query.matchers, parameters, tenant: tenant)
        let limit = try parameters.limit(maximum: maxLimit)
        let targets = parameters["targetLabels"].map { $0.split(separator: ",").map(String.init) }
            ?? Array(Set(query.matchers.map(\.name)))
        let step = try range ? parameters.step(start: start, end: end) : 0
        var groups: [Labels: [Int64: Int]] = [:]
        for stream in streams {
            let labels = LogQuery.levelLabeled(stream.labels)
            let key = Labels(labels.filter { targets.contains($0.name) })
            for (index, time) in stream.times.enumerated() {
                // Each line counts at the first step at or after it.
                let bucket = range ? end - (end - time) / step * step : end
                groups[key, default: [:]][bucket, default: 0] += stream.sizes[index]
            }
        }
        let ranked = groups.map { (labels: $0.key, buckets: $0.value, total: $0.value.values.reduce(0, +)) }
            .sorted { ($0.total, $1.labels) > ($1.total, $0.labels) }.prefix(limit)
        return Self.success { writer in
            if range {
                PrometheusJSON.openMatrix(ranked.map { group in
                    TimeSeries(labels: group.labels, samples: group.buckets.sorted { $0.key < $1.key }
                        .map { Sample(timestamp: $0.key, value: Double($0.value)) })
                }, into: &writer)
            } else {
                PrometheusJSON.openVector(ranked.map { group in
                    InstantSample(labels: group.labels, sample: Sample(timestamp: end, value: Double(group.total)))
                }, into: &writer)
            }
            writer.byte("}")
        }
    }

    /// The selected streams' line times and sizes in `[start, end]`, streams without lines left out.
    func lines(_ matchers: [LabelMatcher], _ parameters: LokiParameters, tenant: Tenant) throws -> [LogStreamLines] {
        let (start, end) = try parameters.range()
        return engine.store.logLines(tenant, matching: matchers, from: start, to: end, lineContains: [], sizes: true)
            .filter { !$0.times.isEmpty }
    }
}

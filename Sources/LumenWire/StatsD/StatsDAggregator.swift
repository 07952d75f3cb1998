import LumenModel

/// Aggregates StatsD metrics over one flush interval into Prometheus-style series (see docs/collectors.md):
///
/// | StatsD | series |
/// |---|---|
/// | `c` | `<name>_total`, cumulative across flushes like a Prometheus counter |
/// | `g` | `<name>`, the last value; `+`/`-` deltas move it |
/// | `ms` | `<name>_seconds{quantile=…}`, `<name>_seconds_sum`, `<name>_seconds_count` (ms → s) |
/// | `h`, `d` | `<name>{quantile=…}`, `<name>_sum`, `<name>_count` |
/// | `s` | `<name>`, the number of distinct members seen in the interval |
///
/// Names: invalid characters (dots) become `_`. Labels: the resource's (`Resource.labels`), then the tags
/// (sanitized names; they win on a clash), then `__name__`. Sample rates scale counts: a counter adds
/// `value / rate`, and a timer sample at rate 0.1 weighs 10 in `_count`, `_sum` and the quantiles.
///
/// Counters, gauges and summaries' `_sum`/`_count` are reported on every flush once seen (so `rate()` works
/// and gauges hold their value, as statsd and statsd_exporter do); quantiles and sets only for intervals
/// that had samples. Every flush carries the metadata of each family seen (its type; `seconds` for timers; a help
/// text naming the StatsD name and type). State grows with the number of distinct series. Not thread-safe: one owner, e.g. the
/// UDP listener's event loop, calls `add` and `flush`.
public struct StatsDAggregator: Sendable {
    private let tenant: Tenant
    private let resourceLabels: [Label]
    private let percentiles: [Double]

    private var counters: [Labels: Double] = [:]
    private var gauges: [Labels: Double] = [:]
    private var summaries: [Labels: Summary] = [:]
    private var sets: [Labels: Set<String>] = [:]
    private var families: [String: MetricMetadata] = [:]

    /// One summary's cumulative sum and count, and the interval's weighted samples for the quantiles.
    private struct Summary: Sendable {
        var sum = 0.0
        var count = 0.0
        var samples: [(value: Double, weight: Double)] = []
    }

    /// `percentiles` are quantiles in [0, 1]; values outside are dropped.
    public init(tenant: Tenant, resource: Resource, percentiles: [Double] = [0.5, 0.9, 0.99]) {
        self.tenant = tenant
        self.resourceLabels = resource.labels
        self.percentiles = percentiles.filter { $0 >= 0 && $0 <= 1 }.sorted()
    }

    public mutating func add(_ metric: StatsDMetric) {
        let name = LabelName.sanitize(metric.name, allowColons: true)
        let rate = metric.sampleRate > 0 && metric.sampleRate <= 1 ? metric.sampleRate : 1
        switch (metric.type, metric.value) {
        case (.counter, .number(let value)):
            let base = name.hasSuffix("_total") ? String(name.dropLast("_total".count)) : name
            counters[labels(metric, name: base + "_total"), default: 0] += value / rate
            learn(base + "_total", .counter, "counter", metric)
        case (.gauge(let delta), .number(let value)):
            let key = labels(metric, name: name)
            gauges[key] = delta ? (gauges[key] ?? 0) + value : value
            learn(name, .gauge, "gauge", metric)
        case (.timer, .number(let value)):
            let base = name.hasSuffix("_seconds") ? name : name + "_seconds"
            observe(value / 1000, weight: 1 / rate, key: labels(metric, name: base))
            learn(base, .summary, "timer (milliseconds, reported in seconds)", metric, unit: "seconds")
        case (.histogram, .number(let value)), (.distribution, .number(let value)):
            observe(value, weight: 1 / rate, key: labels(metric, name: name))
            learn(name, .summary, metric.type == .histogram ? "histogram" : "distribution", metric)
        case (.set, .member(let member)):
            sets[labels(metric, name: name), default: []].insert(member)
            learn(name, .gauge, "set (distinct members per flush interval)", metric)
        case (.set, .number(let value)):
            sets[labels(metric, name: name), default: []].insert(PrometheusNumber.format(value))
            learn(name, .gauge, "set (distinct members per flush interval)", metric)
        case (_, .member):
            return  // a non-set with a text value cannot come from the parser; nothing to count
        }
    }

    /// The series of this interval, each with one sample at `time`, sorted by labels; starts a new interval.
    public mutating func flush(at time: Int64) -> Batch {
        var series: [TimeSeries] = []
        func emit(_ labels: Labels, _ value: Double) {
            series.append(TimeSeries(labels: labels, samples: [Sample(timestamp: time, value: value)]))
        }
        for (labels, value) in counters { emit(labels, value) }
        for (labels, value) in gauges { emit(labels, value) }
        for (labels, members) in sets { emit(labels, Double(members.count)) }
        sets.removeAll(keepingCapacity: true)
        for (labels, summary) in summaries {
            let name = labels.metricName ?? ""
            for (quantile, value) in Self.quantiles(summary.samples, percentiles) {
                emit(
                    Labels(labels.labels + [Label("quantile", PrometheusNumber.format(quantile))]), value)
            }
            emit(Self.renamed(labels, name + "_sum"), summary.sum)
            emit(Self.renamed(labels, name + "_count"), summary.count)
            summaries[labels]?.samples.removeAll()
        }
        series.sort { $0.labels < $1.labels }
        return Batch(tenant: tenant, series: series, metadata: families.values.sorted { $0.metric < $1.metric })
    }

    /// Records the family's metadata when first seen; a family keeps what its first StatsD name said.
    private mutating func learn(
        _ family: String, _ type: MetricMetadata.MetricType, _ kind: String, _ metric: StatsDMetric, unit: String = ""
    ) {
        guard families[family] == nil else { return }
        families[family] = MetricMetadata(metric: family, type: type, unit: unit, help: "\(metric.name): StatsD \(kind)")
    }

    private mutating func observe(_ value: Double, weight: Double, key: Labels) {
        summaries[key, default: Summary()].sum += value * weight
        summaries[key]!.count += weight
        summaries[key]!.samples.append((value, weight))
    }

    private func labels(_ metric: StatsDMetric, name: String) -> Labels {
        var labels = resourceLabels
        labels.reserveCapacity(labels.count + metric.tags.count + 1)
        for tag in metric.tags where tag.name != Labels.metricName {
            labels.append(Label(LabelName.sanitize(tag.name), tag.value))
        }
        labels.append(Label(Labels.metricName, name))
        return Labels(labels)
    }

    private static func renamed(_ labels: Labels, _ name: String) -> Labels {
        Labels(labels.labels.filter { $0.name != Labels.metricName } + [Label(Labels.metricName, name)])
    }

    /// Weighted nearest-rank quantiles: the smallest sample whose cumulative weight reaches `q` of the total.
    static func quantiles(_ samples: [(value: Double, weight: Double)], _ qs: [Double]) -> [(Double, Double)] {
        guard !samples.isEmpty else { return [] }
        let sorted = samples.sorted { $0.value < $1.value }
        let total = sorted.reduce(0) { $0 + $1.weight }
        return qs.map { q in
            let target = q * total
            var cumulative = 0.0
            for sample in sorted {
                cumulative += sample.weight
                if cumulative >= target { return (q, sample.value) }
            }
            return (q, sorted[sorted.count - 1].value)
        }
    }
}

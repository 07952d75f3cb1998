import LumenModel

/// Counters and histograms as Prometheus series: one sample at `now`, and for a series written for the first
/// time a 0 one millisecond before it, so `rate` and `increase` see its first increments.
enum GeneratedSeries {
    static func counter(_ name: String, _ labels: [Label], _ value: Double, _ now: Int64, _ collected: Bool)
        -> TimeSeries
    {
        var samples = [Sample(timestamp: now, value: value)]
        if !collected { samples.insert(Sample(timestamp: now - 1_000_000, value: 0), at: 0) }
        return TimeSeries(labels: Labels([Label(Labels.metricName, name)] + labels), samples: samples)
    }

    static func histogram(
        _ name: String, _ labels: [Label], _ histogram: GeneratedHistogram, _ now: Int64, _ collected: Bool
    ) -> [TimeSeries] {
        var series: [TimeSeries] = []
        for (bound, count) in zip(histogram.bounds, histogram.buckets) {
            series.append(counter(
                name + "_bucket", labels + [Label("le", PrometheusNumber.format(bound))], Double(count), now, collected))
        }
        series.append(counter(name + "_bucket", labels + [Label("le", "+Inf")], Double(histogram.count), now, collected))
        series.append(counter(name + "_sum", labels, histogram.sum, now, collected))
        series.append(counter(name + "_count", labels, Double(histogram.count), now, collected))
        return series
    }
}

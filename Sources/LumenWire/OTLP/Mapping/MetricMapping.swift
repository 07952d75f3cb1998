import LumenModel

/// OTLP metrics → Prometheus-style series, so PromQL works on them unchanged (see docs/otlp.md):
///
/// - monotonic cumulative sum → counter `<name>_total`; non-monotonic sum and gauge → gauge;
/// - explicit-bucket histogram → cumulative `<name>_bucket{le=…}`, `<name>_sum`, `<name>_count`;
/// - summary → `<name>{quantile=…}`, `<name>_sum`, `<name>_count`;
/// - delta temporality and exponential histograms are refused (counted per data point), because Prometheus
///   series are cumulative and Lumen does not convert them;
/// - a point flagged "no recorded value" becomes Prometheus' stale marker.
///
/// Labels: the resource folded in (`Resource.labels`), then the point's attributes (which win on a clash),
/// then `__name__` and `le`/`quantile`. Samples of the same series within one request are merged.
enum MetricMapping {
    static func series(_ request: OTLPMetricsRequest, rejections: inout Rejections) -> [TimeSeries] {
        var builder = SeriesBuilder()
        for (r, resourceMetrics) in request.resourceMetrics.enumerated() {
            let resourceLabels = AttributeMapping.resource(resourceMetrics.resource).labels
            for (s, scopeMetrics) in resourceMetrics.scopeMetrics.enumerated() {
                for (m, metric) in scopeMetrics.metrics.enumerated() {
                    let mapper = MetricMapper(
                        metric: metric, resourceLabels: resourceLabels,
                        path: "resourceMetrics[\(r)].scopeMetrics[\(s)].metrics[\(m)] (\(metric.name))")
                    mapper.map(into: &builder, rejections: &rejections)
                }
            }
        }
        return builder.series
    }
}

/// Accumulates samples by series, keeping the order in which series first appear.
struct SeriesBuilder {
    private(set) var series: [TimeSeries] = []
    private var index: [Labels: Int] = [:]

    /// Room for `capacity` series up front: a request's series count is known before they are added.
    init(capacity: Int = 0) {
        series.reserveCapacity(capacity)
        index.reserveCapacity(capacity)
    }

    mutating func append(_ labels: Labels, _ sample: Sample) {
        series[position(of: labels)].samples.append(sample)
    }

    mutating func append(_ labels: Labels, _ exemplar: Exemplar) {
        series[position(of: labels)].exemplars.append(exemplar)
    }

    /// `entries` with the samples and exemplars of repeated labels merged into the first entry, in order.
    /// Most requests name each series once, which sorted fingerprints tell more cheaply than a dictionary.
    static func merging(_ entries: [TimeSeries]) -> [TimeSeries] {
        let fingerprints = entries.map(\.labels.fingerprint).sorted()
        guard zip(fingerprints, fingerprints.dropFirst()).contains(where: ==) else { return entries }
        var builder = SeriesBuilder(capacity: entries.count)
        for entry in entries {
            let position = builder.position(of: entry.labels)
            builder.series[position].samples.append(contentsOf: entry.samples)
            builder.series[position].exemplars.append(contentsOf: entry.exemplars)
        }
        return builder.series
    }

    private mutating func position(of labels: Labels) -> Int {
        if let position = index[labels] { return position }
        index[labels] = series.count
        series.append(TimeSeries(labels: labels, samples: []))
        return series.count - 1
    }
}

/// Maps the points of one metric.
private struct MetricMapper {
    private static let noRecordedValueFlag: UInt32 = 1
    private static let staleMarker = Double(bitPattern: Sample.staleMarkerBits)

    let metric: OTelMetric
    let resourceLabels: [Label]
    let path: String

    func map(into builder: inout SeriesBuilder, rejections: inout Rejections) {
        switch metric.data {
        case nil:
            return
        case .gauge(let gauge):
            let name = PrometheusNaming.metricName(metric.name, unit: metric.unit, kind: .gauge)
            numberPoints(gauge.dataPoints, name: name, into: &builder, rejections: &rejections)
        case .sum(let sum):
            guard sum.aggregationTemporality == .cumulative else {
                rejections.reject(temporalityReason(sum.aggregationTemporality, what: "sum"), items: sum.dataPoints.count)
                return
            }
            let kind: PrometheusNaming.Kind = sum.isMonotonic ? .counter : .gauge
            let name = PrometheusNaming.metricName(metric.name, unit: metric.unit, kind: kind)
            numberPoints(sum.dataPoints, name: name, into: &builder, rejections: &rejections)
        case .histogram(let histogram):
            guard histogram.aggregationTemporality == .cumulative else {
                rejections.reject(
                    temporalityReason(histogram.aggregationTemporality, what: "histogram"),
                    items: histogram.dataPoints.count)
                return
            }
            let name = PrometheusNaming.metricName(metric.name, unit: metric.unit, kind: .histogram)
            for (i, point) in histogram.dataPoints.enumerated() {
                histogramPoint(point, name: name, at: i, into: &builder, rejections: &rejections)
            }
        case .exponentialHistogram(let histogram):
            rejections.reject(
                "\(path): exponential histograms are not supported; configure the SDK's view or exporter "
                    + "to use explicit-bucket histograms", items: histogram.dataPoints.count)
        case .summary(let summary):
            let name = PrometheusNaming.metricName(metric.name, unit: metric.unit, kind: .summary)
            for (i, point) in summary.dataPoints.enumerated() {
                summaryPoint(point, name: name, at: i, into: &builder, rejections: &rejections)
            }
        }
    }

    private func temporalityReason(_ temporality: Opentelemetry_Proto_Metrics_V1_AggregationTemporality, what: String) -> String {
        let found = temporality == .delta ? "delta" : "unspecified"
        return "\(path): \(what) has \(found) aggregation temporality; only cumulative is supported "
            + "(set the exporter's temporality preference to cumulative)"
    }

    private func numberPoints(
        _ points: [Opentelemetry_Proto_Metrics_V1_NumberDataPoint], name: String,
        into builder: inout SeriesBuilder, rejections: inout Rejections
    ) {
        for (i, point) in points.enumerated() {
            guard let timestamp = timestamp(point.timeUnixNano, at: i, rejections: &rejections) else { continue }
            let value: Double
            if point.flags & Self.noRecordedValueFlag != 0 {
                value = Self.staleMarker
            } else {
                switch point.value {
                case .asDouble(let number): value = number
                case .asInt(let number): value = Double(number)
                case nil:
                    rejections.reject("\(path).dataPoints[\(i)]: data point has neither as_double nor as_int")
                    continue
                }
            }
            let series = labels(point.attributes, name: name)
            builder.append(series, Sample(timestamp: timestamp, value: value))
            for (e, wire) in point.exemplars.enumerated() {
                guard let exemplar = exemplar(wire, at: i, e, pointTime: timestamp, rejections: &rejections) else {
                    continue
                }
                builder.append(series, exemplar)
            }
        }
    }

    private func exemplar(
        _ wire: OTelExemplar, at i: Int, _ e: Int, pointTime: Int64, rejections: inout Rejections
    ) -> Exemplar? {
        do {
            return try ExemplarMapping.exemplar(wire, pointTime: pointTime)
        } catch {
            rejections.reject("\(path).dataPoints[\(i)].exemplars[\(e)]: \(error.message)")
            return nil
        }
    }

    private func histogramPoint(
        _ point: Opentelemetry_Proto_Metrics_V1_HistogramDataPoint, name: String, at i: Int,
        into builder: inout SeriesBuilder, rejections: inout Rejections
    ) {
        guard let timestamp = timestamp(point.timeUnixNano, at: i, rejections: &rejections) else { return }
        let bounds = point.explicitBounds
        let counts = point.bucketCounts
        guard counts.isEmpty || counts.count == bounds.count + 1 else {
            rejections.reject(
                "\(path).dataPoints[\(i)]: bucket_counts has \(counts.count) entries for \(bounds.count) "
                    + "explicit_bounds; expected \(bounds.count + 1)")
            return
        }
        let stale = point.flags & Self.noRecordedValueFlag != 0
        func emit(_ metricName: String, _ value: Double, _ extra: Label? = nil) {
            builder.append(
                labels(point.attributes, name: metricName, extra: extra),
                Sample(timestamp: timestamp, value: stale ? Self.staleMarker : value))
        }
        // OTLP counts each bucket on its own; Prometheus buckets are cumulative.
        var cumulative: UInt64 = 0
        for (bound, count) in zip(bounds, counts) {
            cumulative &+= count
            emit(name + "_bucket", Double(cumulative), Label("le", PrometheusNumber.format(bound)))
        }
        emit(name + "_bucket", Double(point.count), Label("le", "+Inf"))
        if point.hasSum { emit(name + "_sum", point.sum) }
        emit(name + "_count", Double(point.count))
        for (e, wire) in point.exemplars.enumerated() {
            guard let exemplar = exemplar(wire, at: i, e, pointTime: timestamp, rejections: &rejections) else {
                continue
            }
            let bucket = ExemplarMapping.bucket(of: exemplar.value, bounds: bounds)
            let le = bucket < bounds.count ? PrometheusNumber.format(bounds[bucket]) : "+Inf"
            builder.append(labels(point.attributes, name: name + "_bucket", extra: Label("le", le)), exemplar)
        }
    }

    private func summaryPoint(
        _ point: Opentelemetry_Proto_Metrics_V1_SummaryDataPoint, name: String, at i: Int,
        into builder: inout SeriesBuilder, rejections: inout Rejections
    ) {
        guard let timestamp = timestamp(point.timeUnixNano, at: i, rejections: &rejections) else { return }
        let stale = point.flags & Self.noRecordedValueFlag != 0
        func emit(_ metricName: String, _ value: Double, _ extra: Label? = nil) {
            builder.append(
                labels(point.attributes, name: metricName, extra: extra),
                Sample(timestamp: timestamp, value: stale ? Self.staleMarker : value))
        }
        for quantile in point.quantileValues {
            emit(name, quantile.value, Label("quantile", PrometheusNumber.format(quantile.quantile)))
        }
        emit(name + "_sum", point.sum)
        emit(name + "_count", Double(point.count))
    }

    private func timestamp(_ nanoseconds: UInt64, at i: Int, rejections: inout Rejections) -> Int64? {
        guard nanoseconds != 0 else {
            rejections.reject("\(path).dataPoints[\(i)]: time_unix_nano is missing (0)")
            return nil
        }
        return AttributeMapping.nanoseconds(nanoseconds)
    }

    private func labels(_ attributes: [OTelKeyValue], name: String, extra: Label? = nil) -> Labels {
        var labels = resourceLabels
        labels.reserveCapacity(labels.count + attributes.count + 2)
        for attribute in attributes {
            labels.append(Label(LabelName.sanitize(attribute.key), AttributeMapping.value(attribute.value).text))
        }
        labels.append(Label(Labels.metricName, name))
        if let extra { labels.append(extra) }
        return Labels(labels)
    }
}

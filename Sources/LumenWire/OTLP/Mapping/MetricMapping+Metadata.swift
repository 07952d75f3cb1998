import LumenModel

extension MetricMapping {
    /// Type, unit and help text of every metric of the request that maps to series (`series(_:rejections:)`),
    /// each named as its series are (a counter's `_total` included, a histogram's without `_bucket`); the unit
    /// is the word the name's suffix spells (`s` → `seconds`), the help text the metric's description.
    static func metadata(_ request: OTLPMetricsRequest) -> [MetricMetadata] {
        var seen = Set<MetricMetadata>()
        var entries: [MetricMetadata] = []
        for resourceMetrics in request.resourceMetrics {
            for scopeMetrics in resourceMetrics.scopeMetrics {
                for metric in scopeMetrics.metrics {
                    guard let (kind, type) = family(of: metric) else { continue }
                    let entry = MetricMetadata(
                        metric: PrometheusNaming.metricName(metric.name, unit: metric.unit, kind: kind), type: type,
                        unit: PrometheusNaming.unitSuffix(metric.unit, kind: kind) ?? "", help: metric.description_p)
                    if seen.insert(entry).inserted { entries.append(entry) }
                }
            }
        }
        return entries
    }

    /// How a metric's points are named and typed; `nil` for what the mapping refuses (delta temporality,
    /// exponential histograms) or what carries no data.
    private static func family(of metric: OTelMetric) -> (PrometheusNaming.Kind, MetricMetadata.MetricType)? {
        switch metric.data {
        case .gauge: (.gauge, .gauge)
        case .sum(let sum) where sum.aggregationTemporality == .cumulative:
            sum.isMonotonic ? (.counter, .counter) : (.gauge, .gauge)
        case .histogram(let histogram) where histogram.aggregationTemporality == .cumulative: (.histogram, .histogram)
        case .summary: (.summary, .summary)
        default: nil
        }
    }
}

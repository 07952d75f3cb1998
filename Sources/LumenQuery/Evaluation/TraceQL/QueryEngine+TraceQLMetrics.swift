import Foundation
import LumenEngine
import LumenModel

/// One series of a TraceQL metrics answer: its labels (the `by (…)` values; `p` for a quantile, `__bucket`
/// for a histogram bucket; `__name__` alone without `by`) and a value per step, timestamps in milliseconds.
public struct TraceQLSeries: Sendable, Equatable {
    public var labels: [Attribute]
    public var samples: [(timestampMs: Int64, value: Double)]

    public static func == (lhs: TraceQLSeries, rhs: TraceQLSeries) -> Bool {
        lhs.labels == rhs.labels && lhs.samples.elementsEqual(rhs.samples) { $0 == $1 }
    }
}

/// TraceQL metrics (`{…} | rate() by (resource.service.name)`), as Tempo's `/api/metrics/query_range` computes
/// them: the spans the query matches, each counted in the step (aligned to multiples of `step`) its start falls
/// in. `rate()` is spans per second, `count_over_time()` spans, `min/max/avg/sum_over_time(f)` and
/// `quantile_over_time(f, q…)` the values of `f` (durations in seconds), `histogram_over_time(f)` counts per
/// power-of-two bucket. Steps without spans are 0 for counts and left out for values.
extension QueryEngine {
    public func traceQLMetrics(
        _ query: TraceQLQuery, tenant: Tenant, from: Int64, to: Int64, step: Int64,
        cancellation: QueryCancellation = QueryCancellation()
    ) throws(QueryError) -> [TraceQLSeries] {
        guard let metrics = query.metrics else { throw QueryError("not a metrics query: add | rate() or similar") }
        guard step > 0 else { throw QueryError("the step must be positive") }
        guard from <= to else { throw QueryError("the end of the range is before its start") }
        let first = from - ((from % step) + step) % step
        let (steps, overflow) = ((to - first) / step).addingReportingOverflow(1)
        guard !overflow, steps <= Int64(Self.maxSteps) else {
            throw QueryError("the range holds more than \(Self.maxSteps) steps; use a larger step or a shorter range")
        }
        let traces = try traceQLSearch(
            query, tenant: tenant, from: from, to: to, limit: .max, cancellation: cancellation)
        // Values by group, then by step.
        var groups: [[Attribute]: [Int: [Double]]] = [:]
        for trace in traces {
            let whole = TraceQLTrace(matchedIn: trace)
            for span in trace.matched where span.startTime >= from && span.startTime <= to {
                let key = metrics.by.map { field in
                    Attribute(field.description, whole.value(field, of: span) ?? .string(""))
                }
                let value = metrics.field.map { Self.number(whole.value($0, of: span), field: $0) } ?? 1
                guard let value else { continue }
                groups[key, default: [:]][Int((span.startTime - first) / step), default: []].append(value)
            }
        }
        let stepSeconds = Double(step) / 1e9
        var series: [TraceQLSeries] = []
        for (key, bySteps) in groups.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            let labels = key.isEmpty ? [Attribute("__name__", .string(metrics.function.rawValue))] : key
            func make(_ labels: [Attribute], _ value: ([Double]) -> Double?) -> TraceQLSeries {
                let samples = (0..<Int(steps)).compactMap { index -> (Int64, Double)? in
                    let values = bySteps[index] ?? []
                    return value(values).map { (first / 1_000_000 + Int64(index) * step / 1_000_000, $0) }
                }
                return TraceQLSeries(labels: labels, samples: samples)
            }
            switch metrics.function {
            case .rate: series.append(make(labels) { Double($0.count) / stepSeconds })
            case .count_over_time: series.append(make(labels) { Double($0.count) })
            case .sum_over_time: series.append(make(labels) { $0.isEmpty ? nil : $0.reduce(0, +) })
            case .min_over_time: series.append(make(labels) { $0.min() })
            case .max_over_time: series.append(make(labels) { $0.max() })
            case .avg_over_time: series.append(make(labels) { $0.isEmpty ? nil : $0.reduce(0, +) / Double($0.count) })
            case .quantile_over_time:
                for quantile in metrics.quantiles {
                    series.append(make(key + [Attribute("p", .double(quantile))]) { Self.quantile(quantile, $0) })
                }
            case .histogram_over_time:
                let bounds = Set(bySteps.values.flatMap { $0.map(Self.bucket) }).sorted()
                for bound in bounds {
                    series.append(make(key + [Attribute("__bucket", .double(bound))]) { values in
                        Double(values.count { Self.bucket($0) == bound })
                    })
                }
            }
        }
        return series
    }

    /// A field's value as a number: durations in seconds.
    private static func number(_ value: AttributeValue?, field: TraceQLField) -> Double? {
        let number: Double? = switch value {
        case .int(let integer): Double(integer)
        case .double(let double): double
        case .some(let other): Double(other.text)
        case nil: nil
        }
        switch field {
        case .intrinsic(.duration), .intrinsic(.traceDuration): return number.map { $0 / 1e9 }
        default: return number
        }
    }

    /// The smallest power of two at or above `value` (Tempo's histogram buckets).
    private static func bucket(_ value: Double) -> Double {
        value <= 0 ? 0 : Foundation.pow(2, (Foundation.log2(value)).rounded(.up))
    }

    /// The `q` quantile of `values`, interpolated between the nearest ranks; `nil` without values.
    private static func quantile(_ q: Double, _ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = q * Double(sorted.count - 1)
        let lower = Int(rank.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (rank - Double(lower))
    }
}

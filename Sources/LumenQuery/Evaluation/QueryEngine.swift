import LumenEngine
import LumenModel

/// Runs parsed queries against the store for one tenant.
///
/// Metric semantics are Prometheus': a series' value at time t is its newest sample in `(t − lookback, t]`,
/// unless that sample is a stale marker. Log and span queries return records whose time falls in the window.
public struct QueryEngine: Sendable {
    /// Prometheus' default `--query.lookback-delta`.
    public static let defaultLookback: Int64 = 5 * 60 * Timestamp.nanosecondsPerSecond
    /// Steps a range query may evaluate, as Prometheus caps them, so one query can't take the server down.
    public static let maxSteps = 11_000

    public let head: Head
    public var lookback: Int64

    public init(head: Head, lookback: Int64 = QueryEngine.defaultLookback) {
        self.head = head
        self.lookback = lookback
    }

    public func execute(
        _ text: String, tenant: Tenant, window: QueryWindow, limit: Int = 100
    ) throws(QueryError) -> QueryResult {
        try execute(Parser.parse(text), tenant: tenant, window: window, limit: limit)
    }

    public func execute(
        _ query: Query, tenant: Tenant, window: QueryWindow, limit: Int = 100
    ) throws(QueryError) -> QueryResult {
        guard window.start <= window.end else { throw QueryError("the end of the range is before its start") }
        switch query {
        case .metrics(let selector):
            return try metrics(selector, tenant: tenant, window: window)
        case .logs(let logQuery):
            let records = head.logs(
                tenant, matching: logQuery.matchers, from: window.start, to: window.end, limit: limit
            ) { record in
                let line = record.line
                return logQuery.filters.allSatisfy { $0.matches(line) }
            }
            return .logs(records)
        case .spans(let spanQuery):
            let predicate = try SpanPredicate(spanQuery.condition)
            return .spans(head.spans(tenant, from: window.start, to: window.end, limit: limit) {
                predicate.matches($0)
            })
        }
    }

    private func metrics(_ selector: MetricSelector, tenant: Tenant, window: QueryWindow) throws(QueryError)
        -> QueryResult
    {
        let series = head.series(
            tenant, matching: selector.matchers, from: window.start - lookback + 1, to: window.end)
        guard let step = window.step else {
            return .vector(series.compactMap { entry in
                value(of: entry.samples, at: window.end).map { InstantSample(labels: entry.labels, sample: $0) }
            })
        }
        guard step > 0 else { throw QueryError("the step must be positive") }
        guard (window.end - window.start) / step < Int64(Self.maxSteps) else {
            throw QueryError(
                "the range holds more than \(Self.maxSteps) steps; use a larger step or a shorter range")
        }
        return .matrix(series.compactMap { entry in
            var points: [Sample] = []
            var time = window.start
            while time <= window.end {
                if let sample = value(of: entry.samples, at: time) { points.append(sample) }
                time += step
            }
            return points.isEmpty ? nil : TimeSeries(labels: entry.labels, samples: points)
        })
    }

    /// The newest sample in `(time − lookback, time]`, stamped at `time`; `nil` if none or stale.
    private func value(of samples: [Sample], at time: Int64) -> Sample? {
        var low = 0
        var high = samples.count
        while low < high {
            let mid = (low + high) / 2
            if samples[mid].timestamp <= time { low = mid + 1 } else { high = mid }
        }
        guard low > 0 else { return nil }
        let newest = samples[low - 1]
        guard newest.timestamp > time - lookback, !newest.isStaleMarker else { return nil }
        return Sample(timestamp: time, value: newest.value)
    }
}

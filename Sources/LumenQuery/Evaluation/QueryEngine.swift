import LumenEngine
import LumenModel

/// Runs parsed queries against the store for one tenant.
///
/// Metric queries are PromQL with Prometheus' semantics (see `PromQLEvaluator`): a series' value at time t is
/// its newest sample in `(t − lookback, t]`, unless that sample is a stale marker. Log queries return records
/// whose time falls in the window; span queries the traces of the matching spans. Every query runs within
/// `limits` (time, samples, series) and fails with a message naming the limit it passed.
public struct QueryEngine: Sendable {
    /// Prometheus' default `--query.lookback-delta`.
    public static let defaultLookback: Int64 = 5 * 60 * Timestamp.nanosecondsPerSecond
    /// Steps a range query may take from start to end, as Prometheus and Loki cap them (`(end - start) / step`
    /// at most 11,000, so 11,001 points), so one query can't take the server down.
    public static let maxSteps = 11_000

    public let store: any TelemetryReader
    public var lookback: Int64
    public var limits: QueryLimits

    public init(
        store: any TelemetryReader, lookback: Int64 = QueryEngine.defaultLookback, limits: QueryLimits = QueryLimits()
    ) {
        self.store = store
        self.lookback = lookback
        self.limits = limits
    }

    public func execute(
        _ text: String, tenant: Tenant, window: QueryWindow, limit: Int = 100,
        cancellation: QueryCancellation = QueryCancellation()
    ) throws(QueryError) -> QueryResult {
        try execute(Parser.parse(text), tenant: tenant, window: window, limit: limit, cancellation: cancellation)
    }

    /// Runs `query`; it stops with a `canceled` error soon after `cancellation` is cancelled, and with a
    /// `timeout` error once `limits.timeout` has passed — between steps, series and pages of a read.
    public func execute(
        _ query: Query, tenant: Tenant, window: QueryWindow, limit: Int = 100,
        cancellation: QueryCancellation = QueryCancellation()
    ) throws(QueryError) -> QueryResult {
        guard window.start <= window.end else { throw QueryError("the end of the range is before its start") }
        let budget = QueryBudget(limits, cancellation: cancellation)
        switch query {
        case .metrics(let selector):
            let result = try metrics(selector, tenant: tenant, window: window, budget: budget)
            try budget.check()
            return result
        case .logs(let logQuery):
            return .logs(try logs(logQuery, tenant: tenant, window: window, limit: limit, budget: budget))
        case .spans(let spanQuery):
            let search = TraceSearch(store: store, tenant: tenant, budget: budget)
            return .traces(try search.traces(spanQuery, from: window.start, to: window.end, limit: limit))
        case .tracesOfLogs(let logQuery):
            let search = TraceSearch(store: store, tenant: tenant, budget: budget)
            return .traces(try search.traces(ofLogs: logQuery, from: window.start, to: window.end, limit: limit))
        }
    }

    private func metrics(
        _ expr: Expr, tenant: Tenant, window: QueryWindow, budget: QueryBudget
    ) throws(QueryError) -> QueryResult {
        guard let step = window.step else {
            let evaluator = PromQLEvaluator(
                store: store, tenant: tenant, lookback: lookback, start: window.end, end: window.end, budget: budget)
            switch try evaluator.instant(expr, at: window.end) {
            case .scalar(let value): return .scalar(Sample(timestamp: window.end, value: value))
            case .string(let text): return .string(text, at: window.end)
            case .vector(let elements):
                return .vector(elements.map {
                    InstantSample(labels: $0.labels, sample: Sample(timestamp: window.end, value: $0.value))
                })
            case .matrix(let series): return .matrix(series)
            }
        }
        guard step > 0 else { throw QueryError("the step must be positive") }
        guard (window.end - window.start) / step <= Int64(Self.maxSteps) else {
            throw QueryError(
                "the range holds more than \(Self.maxSteps) steps; use a larger step or a shorter range")
        }
        let evaluator = PromQLEvaluator(
            store: store, tenant: tenant, lookback: lookback, start: window.start, end: window.end, budget: budget)
        return .matrix(try evaluator.range(expr, step: step))
    }
}

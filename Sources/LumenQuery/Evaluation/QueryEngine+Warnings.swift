import LumenEngine
import LumenModel

extension QueryEngine {
    /// What an answer should warn of: when a metric query's `result` holds no series, each metric name its
    /// selectors ask for (`name{…}` or `{__name__="name"}`) that no series in the store has, with the names
    /// that do exist (``MetricNameHint``). Empty for any other answer, so a query that matched costs nothing.
    public func warnings(of query: Query, result: QueryResult, tenant: Tenant) -> [String] {
        guard case .metrics(let expr) = query else { return [] }
        switch result {
        case .vector(let samples) where samples.isEmpty: break
        case .matrix(let series) where series.isEmpty: break
        default: return []
        }
        let names: [String] = expr.selectors.compactMap { (selector: VectorSelector, _: Int64) -> String? in
            selector.matchers.first { $0.name == Labels.metricName && $0.op == .equal }?.value
        }
        guard !names.isEmpty else { return [] }
        return MetricNameHint.warnings(for: names, known: store.metricLabelValues(tenant, name: Labels.metricName))
    }
}

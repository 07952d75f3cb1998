import LumenEngine
import LumenModel

extension QueryEngine {
    /// The exemplars of every series a metric query's selectors select, in `[from, to]`, each series once even
    /// when several selectors pick it. As in Prometheus' `/api/v1/query_exemplars`, offsets and `@` are not
    /// applied. Other kinds of query have none.
    public func exemplars(of query: Query, tenant: Tenant, from: Int64, to: Int64) -> [TimeSeries] {
        guard case .metrics(let expr) = query else { return [] }
        var found: [Labels: TimeSeries] = [:]
        for (selector, _) in expr.selectors {
            for series in store.exemplars(tenant, matching: selector.matchers, from: from, to: to) {
                found[series.labels] = series
            }
        }
        return found.values.sorted { $0.labels < $1.labels }
    }

    /// The exemplars that belong with a metric answer over `window`: those where its samples were read, so an
    /// instant query also looks back over the lookback, or the longest range it selects.
    public func exemplars(of query: Query, tenant: Tenant, window: QueryWindow) -> [TimeSeries] {
        guard case .metrics(let expr) = query else { return [] }
        let reach = window.step == nil ? max(lookback, expr.selectors.map(\.range).max() ?? 0) : 0
        return exemplars(of: query, tenant: tenant, from: window.start - reach, to: window.end)
    }
}

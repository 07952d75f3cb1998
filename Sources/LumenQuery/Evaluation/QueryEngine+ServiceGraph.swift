import LumenEngine
import LumenModel

extension QueryEngine {
    /// The service graph of the spans that started in `[from, to]`, within the engine's limits.
    public func serviceGraph(_ tenant: Tenant, from: Int64, to: Int64) throws(QueryError) -> ServiceCallGraph {
        guard from <= to else { throw QueryError("the end of the range is before its start") }
        let budget = QueryBudget(limits)
        var spans: [Span] = []
        var stopped = false
        _ = store.spans(tenant, from: from, to: to, limit: 1) { span in
            if spans.count % 1024 == 1023 {
                budget.record(samples: 1024)
                stopped = stopped || budget.isExhausted || budget.isPastDeadline
            }
            if !stopped { spans.append(span) }
            return false
        }
        budget.record(samples: spans.count % 1024)
        try budget.check()
        return ServiceCallGraph(spans: spans, from: from, to: to)
    }
}

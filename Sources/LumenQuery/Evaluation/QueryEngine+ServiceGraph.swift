import LumenEngine
import LumenModel

extension QueryEngine {
    /// The service graph of the spans that started in `[from, to]`, within the engine's limits.
    public func serviceGraph(
        _ tenant: Tenant, from: Int64, to: Int64, cancellation: QueryCancellation = QueryCancellation()
    ) throws(QueryError) -> ServiceCallGraph {
        guard from <= to else { throw QueryError("the end of the range is before its start") }
        let budget = QueryBudget(limits, cancellation: cancellation)
        var calls: [ServiceCallGraph.Call] = []
        var stopped = false
        _ = store.spans(tenant, from: from, to: to, limit: 1) { span in
            if calls.count % 1024 == 1023 {
                budget.record(samples: 1024)
                stopped = stopped || budget.isExhausted || budget.isPastDeadline
            }
            if !stopped { calls.append(ServiceCallGraph.Call(span)) }
            return false
        }
        budget.record(samples: calls.count % 1024)
        try budget.check()
        return ServiceCallGraph(calls: calls, from: from, to: to)
    }
}

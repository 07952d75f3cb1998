import LumenEngine
import LumenModel

extension QueryEngine {
    /// The service graph of the spans that started in `[from, to]`, within the engine's limits.
    public func serviceGraph(
        _ tenant: Tenant, from: Int64, to: Int64, cancellation: QueryCancellation = QueryCancellation()
    ) throws(QueryError) -> ServiceCallGraph {
        guard from <= to else { throw QueryError("the end of the range is before its start") }
        let budget = QueryBudget(limits, cancellation: cancellation)
        var calls: [SpanCallFields] = []
        for call in store.spanCalls(ReadRequest(tenant: tenant, from: from, to: to)) {
            guard budget.visit() else { break }
            calls.append(call)
        }
        try budget.check()
        return ServiceCallGraph(calls: calls, from: from, to: to)
    }
}

import LumenEngine
import LumenModel

/// TraceQL as Tempo's HTTP API answers it: the traces a query matches, and the attribute names and values a
/// query builder offers.
extension QueryEngine {
    /// The traces with a span starting in `[from, to]` that `query` matches, each judged on its whole trace,
    /// newest first, at most `limit`; each summary's `matched` holds the matched spans.
    public func traceQLSearch(
        _ query: TraceQLQuery, tenant: Tenant, from: Int64, to: Int64, limit: Int,
        cancellation: QueryCancellation = QueryCancellation()
    ) throws(QueryError) -> [TraceSummary] {
        guard from <= to else { throw QueryError("the end of the range is before its start") }
        let compiled = try CompiledTraceQL(query)
        let budget = QueryBudget(limits, cancellation: cancellation)
        let candidates = try traceStarts(tenant, from: from, to: to, budget: budget)
        var found: [TraceSummary] = []
        // Newest first, in batches, so a search that finds its `limit` early reads only the newest traces.
        let newestFirst = candidates.sorted { ($0.value, $0.key) > ($1.value, $1.key) }.map(\.key)
        var offset = 0
        var batch = min(max(limit, 64), TraceSearch.maxBatch)
        while offset < newestFirst.count, found.count < limit {
            let ids = newestFirst[offset..<min(offset + batch, newestFirst.count)]
            offset += ids.count
            batch = min(batch * 4, TraceSearch.maxBatch)
            let traces = store.traces(tenant, ids: Set(ids), prefilter: .none)
            budget.record(samples: traces.values.reduce(0) { $0 + $1.count })
            try budget.check()
            for id in ids where found.count < limit {
                guard let spans = traces[id], !spans.isEmpty else { continue }
                let matched = compiled.matches(TraceQLTrace(spans))
                if !matched.isEmpty { found.append(TraceSummary(traceID: id, spans: spans, matched: matched)) }
            }
        }
        return found
    }

    /// Each trace with a span starting in `[from, to]`, with its newest such start.
    private func traceStarts(
        _ tenant: Tenant, from: Int64, to: Int64, budget: QueryBudget
    ) throws(QueryError) -> [TraceID: Int64] {
        var newest: [TraceID: Int64] = [:]
        for span in store.everySpan(ReadRequest(tenant: tenant, from: from, to: to)) {
            guard budget.visit() else { break }
            newest[span.traceID] = max(newest[span.traceID] ?? .min, span.startTime)
        }
        try budget.check()
        return newest
    }

    /// The attribute keys of the spans starting in `[from, to]`, by scope, sorted, at most `limit` per scope.
    public func traceQLTagNames(
        tenant: Tenant, from: Int64, to: Int64, limit: Int, cancellation: QueryCancellation = QueryCancellation()
    ) throws(QueryError) -> (span: [String], resource: [String]) {
        let budget = QueryBudget(limits, cancellation: cancellation)
        var span = Set<String>()
        var resource = Set<String>()
        try eachSpan(tenant, from: from, to: to, budget: budget) { value in
            for attribute in value.attributes where span.count < limit { span.insert(attribute.key) }
            for attribute in value.resource.attributes where resource.count < limit { resource.insert(attribute.key) }
        }
        return (span.sorted(), resource.sorted())
    }

    /// The distinct values of `field` on the spans starting in `[from, to]` that `filter` matches (all when
    /// `nil`), sorted by their text, at most `limit`.
    public func traceQLTagValues(
        _ field: TraceQLField, filter: TraceQLQuery?, tenant: Tenant, from: Int64, to: Int64, limit: Int,
        cancellation: QueryCancellation = QueryCancellation()
    ) throws(QueryError) -> [AttributeValue] {
        let budget = QueryBudget(limits, cancellation: cancellation)
        var values = Set<AttributeValue>()
        if let filter {
            for trace in try traceQLSearch(
                filter, tenant: tenant, from: from, to: to, limit: Int(Int32.max), cancellation: cancellation) {
                let whole = TraceQLTrace(trace.matched)
                for span in trace.matched where values.count < limit {
                    if let value = whole.value(field, of: span) { values.insert(value) }
                }
                if values.count >= limit { break }
            }
        } else {
            try eachSpan(tenant, from: from, to: to, budget: budget) { span in
                guard values.count < limit, let value = Self.ownValue(field, of: span) else { return }
                values.insert(value)
            }
        }
        return values.sorted { $0.text < $1.text }
    }

    /// A field's value read from the span alone (trace-level intrinsics have none without the trace).
    private static func ownValue(_ field: TraceQLField, of span: Span) -> AttributeValue? {
        if case .intrinsic(let intrinsic) = field, intrinsic.isTraceLevel { return nil }
        return TraceQLTrace([span]).value(field, of: span)
    }

    /// The span names (operations) of `service` and their kinds, in `[from, to]`, sorted: Jaeger's operations.
    public func operations(
        of service: String, tenant: Tenant, from: Int64, to: Int64, cancellation: QueryCancellation = QueryCancellation()
    ) throws(QueryError) -> [(name: String, kind: SpanKind)] {
        let predicate = try SpanPredicate(.compare(.service, .equal, .string(service)))
        var seen = Set<OperationKey>()
        try eachSpan(tenant, from: from, to: to, budget: QueryBudget(limits, cancellation: cancellation),
            prefilter: predicate.prefilter) { span in
            if predicate.matches(span) { seen.insert(OperationKey(name: span.name, kind: span.kind)) }
        }
        return seen.sorted { ($0.name, $0.kind.rawValue) < ($1.name, $1.kind.rawValue) }.map { ($0.name, $0.kind) }
    }

    private struct OperationKey: Hashable {
        let name: String
        let kind: SpanKind
    }

    private func eachSpan(
        _ tenant: Tenant, from: Int64, to: Int64, budget: QueryBudget, prefilter: SpanPrefilter = .none,
        _ body: (Span) -> Void
    ) throws(QueryError) {
        for span in store.everySpan(ReadRequest(tenant: tenant, from: from, to: to, spanPrefilter: prefilter)) {
            guard budget.visit() else { break }
            body(span)
        }
        try budget.check()
    }
}

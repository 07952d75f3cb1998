import LumenEngine
import LumenModel

/// Finds the traces a span query matches, newest first.
///
/// A single selector's answer is the traces of its newest matching spans, so only the newest blocks are read.
/// With structure (`>>`, `>`) or trace aggregates, candidates are the traces with a span in the window matching
/// the rightmost selector (the spans the answer is about), each judged on its whole trace, read by ID, since the
/// spans that relate the matches may lie outside the window.
struct TraceSearch {
    let store: any TelemetryReader
    let tenant: Tenant
    let budget: QueryBudget

    func traces(_ query: SpanQuery, from: Int64, to: Int64, limit: Int) throws(QueryError) -> [TraceSummary] {
        if query.isSimple { return try simpleTraces(query, from: from, to: to, limit: limit) }
        let candidates = try self.candidates(query, from: from, to: to)
        let judge = try TraceJudge(query)
        let judgedOn = try Self.judgedSpans(query)
        /// Each trace of `batch` the query matches, with its matched spans.
        func matches(_ batch: some Collection<TraceID>) throws(QueryError) -> [(TraceID, [Span])] {
            let traces = try self.traces(batch, prefilter: judgedOn)
            return batch.compactMap { id in
                let matched = judge.matches(in: traces[id] ?? [])
                return matched.isEmpty ? nil : (id, matched)
            }
        }
        // The newest candidates first: when they match, as they mostly do, that is the whole answer.
        let ordered = Self.newestFirst(candidates)
        var found = try matches(ordered.prefix(limit))
        if found.count < limit, ordered.count > limit {
            // The rest in batches by trace ID: a block's pages hold traces in ID order, so each batch reads a slice
            // of every block's pages and the whole search reads each page about once (batches of the newest would
            // read every page each time). Only the newest of the matches are kept meanwhile.
            let wanted = limit - found.count
            var newest: [(TraceID, [Span])] = []
            for batch in Self.batches(ordered.dropFirst(limit).sorted()) {
                newest += try matches(batch)
                newest.sort { (candidates[$0.0]!, $0.0) > (candidates[$1.0]!, $1.0) }
                newest = Array(newest.prefix(wanted))
            }
            found += newest
        }
        let whole = try traces(found.map(\.0), prefilter: .none)
        return found.map { TraceSummary(traceID: $0.0, spans: whole[$0.0] ?? [], matched: $0.1) }
    }

    /// A query of one selector: the traces of its newest matching spans. Only the newest spans are read (the store
    /// stops at blocks older than the `wanted` found); when they belong to fewer than `limit` traces, more are read.
    private func simpleTraces(_ query: SpanQuery, from: Int64, to: Int64, limit: Int) throws(QueryError)
        -> [TraceSummary]
    {
        let predicate = try SpanPredicate(query.spans.resultCondition)
        var wanted = max(limit, 1) * 8
        var newest: [TraceID] = []
        while true {
            let spans = store.spans(tenant, from: from, to: to, limit: wanted, prefilter: predicate.prefilter) { span in
                return budget.visit() && predicate.matches(span)
            }
            try budget.check()
            var seen = Set<TraceID>()
            newest = []
            for span in spans where newest.count < limit && seen.insert(span.traceID).inserted {
                newest.append(span.traceID)
            }
            if newest.count >= limit || spans.count < wanted { break }
            wanted *= 8
        }
        let whole = try traces(newest, prefilter: .none)
        return newest.compactMap { traceID in
            let spans = whole[traceID] ?? []
            let matched = spans.filter { $0.startTime >= from && $0.startTime <= to && predicate.matches($0) }
            return matched.isEmpty ? nil : TraceSummary(traceID: traceID, spans: spans, matched: matched)
        }
    }

    /// Every span in `[from, to]` that a query with structure or aggregates matches, across all traces: what a
    /// metric over such a query counts. Traces are read in batches by ID, each page about once (see `traces`).
    func matchedSpans(_ query: SpanQuery, from: Int64, to: Int64) throws(QueryError) -> [Span] {
        let candidates = try self.candidates(query, from: from, to: to)
        let judge = try TraceJudge(query)
        let judgedOn = try Self.judgedSpans(query)
        var result: [Span] = []
        for batch in Self.batches(candidates.keys.sorted()) {
            for spans in try traces(batch, prefilter: judgedOn).values {
                result += judge.matches(in: spans).filter { $0.startTime >= from && $0.startTime <= to }
            }
        }
        return result
    }

    /// The spans of a trace the query's judgement needs. A single selector with aggregates looks only at the spans
    /// it selects, so the store may leave out those its prefilter refuses; structure relates spans the selectors
    /// don't name (a descendant's chain of parents), so it needs them all.
    private static func judgedSpans(_ query: SpanQuery) throws(QueryError) -> SpanPrefilter {
        guard case .selector(let condition) = query.spans else { return .none }
        return try SpanPredicate(condition).prefilter
    }

    /// Most traces read at once: about a block's worth of the shop's, so the memory a batch holds stays bounded.
    static let maxBatch = 8_192

    /// Trace IDs in batches of `maxBatch`, in order.
    static func batches(_ traceIDs: [TraceID]) -> [ArraySlice<TraceID>] {
        stride(from: 0, to: traceIDs.count, by: maxBatch).map { traceIDs[$0..<min($0 + maxBatch, traceIDs.count)] }
    }

    /// The traces with a span in the window matching the rightmost selector, with each one's newest such
    /// span start: every span in the window is looked at.
    private func candidates(_ query: SpanQuery, from: Int64, to: Int64) throws(QueryError) -> [TraceID: Int64] {
        let leaf = try SpanPredicate(query.spans.resultCondition)
        var newest: [TraceID: Int64] = [:]
        _ = store.spans(tenant, from: from, to: to, limit: .max, prefilter: leaf.prefilter) { span in
            guard budget.visit(), leaf.matches(span) else { return false }
            newest[span.traceID] = max(newest[span.traceID] ?? .min, span.startTime)
            return false
        }
        try budget.check()
        return newest
    }

    /// Trace IDs by their newest time, newest first; ties by ID so answers are stable.
    private static func newestFirst(_ newest: [TraceID: Int64]) -> [TraceID] {
        newest.sorted { ($0.value, $0.key) > ($1.value, $1.key) }.map(\.key)
    }

    /// The spans of each trace, counted against the budget.
    private func traces(_ traceIDs: some Collection<TraceID>, prefilter: SpanPrefilter) throws(QueryError)
        -> [TraceID: [Span]]
    {
        let traces = store.traces(tenant, ids: Set(traceIDs), prefilter: prefilter)
        budget.record(samples: traces.values.reduce(0) { $0 + $1.count })
        try budget.check()
        return traces
    }

    /// The traces the lines of a log query were written under, newest line first; their matched spans are
    /// the spans the lines name.
    func traces(ofLogs query: LogQuery, from: Int64, to: Int64, limit: Int) throws(QueryError) -> [TraceSummary] {
        let pipeline = try LogPipeline(query.stages)
        var newest: [TraceID: Int64] = [:]
        var spanIDs: [TraceID: Set<SpanID>] = [:]
        _ = store.logs(
            tenant, matching: query.matchers, from: from, to: to, limit: .max, lineContains: query.lineContains
        ) { record in
            guard budget.visit(), let traceID = record.traceID, pipeline.run(record) != nil else { return false }
            newest[traceID] = max(newest[traceID] ?? .min, record.time)
            if let spanID = record.spanID { spanIDs[traceID, default: []].insert(spanID) }
            return false
        }
        try budget.check()
        let newestFirst = Self.newestFirst(newest).prefix(limit)
        let traces = try self.traces(newestFirst, prefilter: .none)
        return newestFirst.map { traceID in
            let spans = traces[traceID] ?? []
            let named = spanIDs[traceID] ?? []
            return TraceSummary(traceID: traceID, spans: spans, matched: spans.filter { named.contains($0.spanID) })
        }
    }
}

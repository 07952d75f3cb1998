import LumenEngine
import LumenModel

/// Finds the traces a span query matches, newest first.
///
/// Candidates are the traces with a span in the window matching the query's rightmost selector (the spans the
/// answer is about). A query with structure (`>>`, `>`) or trace aggregates is then judged on each whole
/// trace, read by ID, since the spans that relate the matches may lie outside the window.
struct TraceSearch {
    let store: any TelemetryReader
    let tenant: Tenant
    let budget: QueryBudget

    func traces(_ query: SpanQuery, from: Int64, to: Int64, limit: Int) throws(QueryError) -> [TraceSummary] {
        let candidates = try self.candidates(query, from: from, to: to)
        let judge = try TraceJudge(query)
        var results: [TraceSummary] = []
        for batch in Self.batches(Self.newestFirst(candidates.newest), first: limit) {
            guard results.count < limit else { break }
            let traces = try self.traces(batch)
            for traceID in batch where results.count < limit {
                let spans = traces[traceID] ?? []
                let matched = query.isSimple ? candidates.spans[traceID] ?? [] : judge.matches(in: spans)
                guard !matched.isEmpty else { continue }
                results.append(TraceSummary(traceID: traceID, spans: spans, matched: matched))
            }
        }
        return results
    }

    /// Every span in `[from, to]` that a query with structure or aggregates matches, across all traces: what a
    /// metric over such a query counts.
    func matchedSpans(_ query: SpanQuery, from: Int64, to: Int64) throws(QueryError) -> [Span] {
        let candidates = try self.candidates(query, from: from, to: to)
        let judge = try TraceJudge(query)
        var result: [Span] = []
        for batch in Self.batches(Self.newestFirst(candidates.newest), first: Self.maxBatch) {
            for spans in try traces(batch).values {
                result += judge.matches(in: spans).filter { $0.startTime >= from && $0.startTime <= to }
            }
        }
        return result
    }

    /// Most traces read at once: about a block's worth of the shop's, so the memory a batch holds stays bounded.
    static let maxBatch = 8_192

    /// Candidates in the batches they are read in: the first holds `first` (all a search needs when its
    /// candidates all match), each next one twice as many, up to `maxBatch`. Reading a batch reads each page
    /// holding its traces once, so a search whose matches are rare reads pages a few times, not once a trace.
    static func batches(_ traceIDs: [TraceID], first: Int) -> [ArraySlice<TraceID>] {
        var batches: [ArraySlice<TraceID>] = []
        var size = max(1, min(first, maxBatch))
        var start = 0
        while start < traceIDs.count {
            let end = min(start + size, traceIDs.count)
            batches.append(traceIDs[start..<end])
            start = end
            size = min(2 * size, maxBatch)
        }
        return batches
    }

    /// The traces with a span in the window matching the rightmost selector, with each one's newest such
    /// span start, and (for a simple query, whose matches are final) the spans themselves.
    private func candidates(_ query: SpanQuery, from: Int64, to: Int64) throws(QueryError)
        -> (newest: [TraceID: Int64], spans: [TraceID: [Span]])
    {
        let leaf = try SpanPredicate(query.spans.resultCondition)
        var spans: [TraceID: [Span]] = [:]
        var newest: [TraceID: Int64] = [:]
        var read = 0
        var stopped = false
        _ = store.spans(tenant, from: from, to: to, limit: 1, prefilter: leaf.prefilter) { span in
            read += 1
            if read % 1024 == 0, budget.isPastDeadline { stopped = true }
            guard !stopped, leaf.matches(span) else { return false }
            if query.isSimple { spans[span.traceID, default: []].append(span) }
            newest[span.traceID] = max(newest[span.traceID] ?? .min, span.startTime)
            return false
        }
        budget.record(samples: read)
        try budget.check()
        return (newest, spans)
    }

    /// Trace IDs by their newest time, newest first; ties by ID so answers are stable.
    private static func newestFirst(_ newest: [TraceID: Int64]) -> [TraceID] {
        newest.sorted { ($0.value, $0.key) > ($1.value, $1.key) }.map(\.key)
    }

    /// The spans of each trace, counted against the budget.
    private func traces(_ traceIDs: some Collection<TraceID>) throws(QueryError) -> [TraceID: [Span]] {
        let traces = store.traces(tenant, ids: Set(traceIDs))
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
        var read = 0
        _ = store.logs(
            tenant, matching: query.matchers, from: from, to: to, limit: 1, lineContains: query.lineContains
        ) { record in
            read += 1
            guard let traceID = record.traceID, pipeline.run(record) != nil else { return false }
            newest[traceID] = max(newest[traceID] ?? .min, record.time)
            if let spanID = record.spanID { spanIDs[traceID, default: []].insert(spanID) }
            return false
        }
        budget.record(samples: read)
        try budget.check()
        let newestFirst = Self.newestFirst(newest).prefix(limit)
        let traces = try self.traces(newestFirst)
        return newestFirst.map { traceID in
            let spans = traces[traceID] ?? []
            let named = spanIDs[traceID] ?? []
            return TraceSummary(traceID: traceID, spans: spans, matched: spans.filter { named.contains($0.spanID) })
        }
    }
}

import LumenEngine
import LumenModel

extension QueryEngine {
    /// The lines in `[from, to]` passing the query's pipeline, at most `limit`: the newest, newest first, or
    /// with `forward` the oldest, oldest first (Loki's `direction`). Labels `| drop` removed, or `| keep` left
    /// out, are absent from all three kinds.
    public func labeledLines(
        _ query: LogQuery, tenant: Tenant, from: Int64, to: Int64, limit: Int, forward: Bool,
        cancellation: QueryCancellation = QueryCancellation()
    ) throws(QueryError) -> [LabeledLine] {
        guard from <= to else { throw QueryError("the end of the range is before its start") }
        let pipeline = try LogPipeline(query.stages)
        let budget = QueryBudget(limits, cancellation: cancellation)
        // The store reads in the direction asked and stops at the limit: forward, the oldest pages first.
        let records = store.logs(
            tenant, matching: query.matchers, from: from, to: to, limit: limit, lineContains: query.lineContains,
            oldestFirst: forward
        ) { record in
            return budget.visit() && pipeline.run(record) != nil
        }
        let entries = records.compactMap { pipeline.run($0) }
        try budget.check()
        var streams = StreamLabels()
        return entries.map { entry in
            Self.labeled(entry, stream: streams.of(entry.record), levels: query.levelLabels)
        }
    }

    private static func labeled(_ entry: LogPipeline.Entry, stream: [Label], levels: Bool) -> LabeledLine {
        let record = entry.record
        var all = levels ? StreamLabels.withLevels(stream) : stream
        all.removeAll { !entry.isVisible($0.name) || entry.replaced.contains($0.name) }
        var metadata = record.attributes.filter { entry.isVisible($0.key) }.map { Label($0.key, $0.value.text) }
        if let trace = record.traceID, entry.isVisible("trace_id") { metadata.append(Label("trace_id", trace.hex)) }
        if let span = record.spanID, entry.isVisible("span_id") { metadata.append(Label("span_id", span.hex)) }
        return LabeledLine(
            time: record.time, line: record.line, stream: Labels(all), metadata: metadata, parsed: entry.extracted)
    }
}

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
        var entries: [LogPipeline.Entry] = []
        if forward {
            // The store reads newest first: keep the oldest `limit` seen, trimming as the buffer doubles.
            _ = store.logs(
                tenant, matching: query.matchers, from: from, to: to, limit: 1, lineContains: query.lineContains
            ) { record in
                guard budget.visit(), let entry = pipeline.run(record) else { return false }
                entries.append(entry)
                if entries.count >= 2 * max(limit, 512) {
                    entries.sort { $0.record.time < $1.record.time }
                    entries.removeSubrange(limit...)
                }
                return false
            }
            entries.sort { $0.record.time < $1.record.time }
            entries = Array(entries.prefix(limit))
        } else {
            let records = store.logs(
                tenant, matching: query.matchers, from: from, to: to, limit: limit, lineContains: query.lineContains
            ) { record in
                return budget.visit() && pipeline.run(record) != nil
            }
            entries = records.compactMap { pipeline.run($0) }
        }
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

import LumenEngine
import LumenModel

/// A log pattern (`LogPattern`) and how many of the selected lines had it, per step.
public struct LogPatternCount: Sendable, Equatable {
    public var pattern: String
    /// Line counts by the start of their step, in time order.
    public var counts: [(time: Int64, count: Int)]
    public var total: Int

    public static func == (lhs: LogPatternCount, rhs: LogPatternCount) -> Bool {
        lhs.pattern == rhs.pattern && lhs.total == rhs.total && lhs.counts.elementsEqual(rhs.counts) { $0 == $1 }
    }
}

extension QueryEngine {
    /// The patterns of the lines in `[from, to]` that pass the query's pipeline, most frequent first, each
    /// counted per `step` (a line counts at the start of the step that holds it).
    public func logPatterns(
        _ query: LogQuery, tenant: Tenant, from: Int64, to: Int64, step: Int64,
        cancellation: QueryCancellation = QueryCancellation()
    ) throws(QueryError) -> [LogPatternCount] {
        guard from <= to else { throw QueryError("the end of the range is before its start") }
        guard step > 0 else { throw QueryError("the step must be positive") }
        let pipeline = try LogPipeline(query.stages)
        let budget = QueryBudget(limits, cancellation: cancellation)
        var counts: [String: [Int64: Int]] = [:]
        _ = store.logs(
            tenant, matching: query.matchers, from: from, to: to, limit: .max, lineContains: query.lineContains
        ) { record in
            guard budget.visit(), let entry = pipeline.run(record) else { return false }
            let bucket = from + (entry.record.time - from) / step * step
            counts[LogPattern.of(entry.record.line), default: [:]][bucket, default: 0] += 1
            return false
        }
        try budget.check()
        return counts.map { pattern, buckets in
            LogPatternCount(
                pattern: pattern, counts: buckets.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                total: buckets.values.reduce(0, +))
        }.sorted { ($0.total, $1.pattern) > ($1.total, $0.pattern) }
    }
}

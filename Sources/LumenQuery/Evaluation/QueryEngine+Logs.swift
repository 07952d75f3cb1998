import LumenEngine
import LumenModel

extension QueryEngine {
    /// Records passing the pipeline, newest first; with parsers, each carries its extracted fields (and
    /// `__error__` where a parser failed) as attributes.
    func logs(
        _ query: LogQuery, tenant: Tenant, window: QueryWindow, limit: Int, budget: QueryBudget
    ) throws(QueryError) -> [LogRecord] {
        let pipeline = try LogPipeline(query.stages)
        let records = store.logs(
            tenant, matching: query.matchers, from: window.start, to: window.end, limit: limit,
            lineContains: query.lineContains
        ) { record in
            return budget.visit() && pipeline.run(record) != nil
        }
        try budget.check()
        guard pipeline.extracts || pipeline.rewritesLines else { return records }
        return records.compactMap { pipeline.run($0)?.recordWithFields }
    }
}

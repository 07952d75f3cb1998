import LumenModel
import LumenQuery

/// `patterns` and `format_query`: answers about the query's lines and text rather than its result.
extension LokiRoutes {
    /// `{"status":"success","data":[{"pattern":…,"samples":[[<seconds>,<count>],…]}]}`: the templates of the
    /// selected lines (as Lumen's block pages store them, variables as `<_>`), counted per `step`.
    func patterns(_ parameters: LokiParameters, tenant: Tenant, cancellation: QueryCancellation) throws -> JSONWriter {
        let query = try Self.logQuery(try parameters.query())
        let (start, end) = try parameters.range()
        let step = try parameters.step(start: start, end: end)
        let patterns = try engine.logPatterns(
            query, tenant: tenant, from: start, to: end, step: step, cancellation: cancellation)
        return Self.success { writer in
            writer.array(patterns) { writer, pattern in
                writer.raw("{\"pattern\":")
                writer.string(pattern.pattern)
                writer.raw(",\"samples\":")
                writer.array(pattern.counts) { writer, count in
                    writer.byte("[")
                    writer.integer(count.time / Timestamp.nanosecondsPerSecond)
                    writer.byte(",")
                    writer.integer(Int64(count.count))
                    writer.byte("]")
                }
                writer.byte("}")
            }
        }
    }

    /// `format_query`: the query, re-parsed to prove it valid; a long log query laid out a stage a line, as Loki
    /// does (`LogQueryLayout`), anything else answered as given.
    func formatQuery(_ parameters: LokiParameters) throws -> JSONWriter {
        let text = try parameters.query()
        guard case .logs = try Self.parse(text) else { return Self.success { writer in writer.string(text) } }
        let pretty = try LogQueryLayout.pretty(text)
        return Self.success { writer in writer.string(pretty) }
    }
}

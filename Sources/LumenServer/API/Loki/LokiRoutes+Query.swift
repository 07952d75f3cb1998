import LumenModel
import LumenQuery

/// `/loki/api/v1/query` and `query_range`: log queries answer `streams`, metric queries `vector` (instant) or
/// `matrix` (range), each with `stats`, as Loki shapes them.
extension LokiRoutes {
    func instantQuery(
        _ parameters: LokiParameters, tenant: Tenant, categorize: Bool, cancellation: QueryCancellation
    ) throws -> JSONWriter {
        let query = try Self.parse(try parameters.query())
        let time = try parameters.time("time") ?? parameters.now
        guard case .metrics = query else {
            throw APIError(.badRequest, "log queries are not supported as an instant query type, please change your "
                + "query to a range query type")
        }
        let clock = ContinuousClock.now
        let result = try engine.execute(query, tenant: tenant, window: .instant(time), cancellation: cancellation)
        return Self.success { writer in
            switch result {
            case .scalar(let sample):
                writer.raw("{\"resultType\":\"scalar\",\"result\":")
                writer.sample(sample)
            case .matrix(let series):
                PrometheusJSON.openMatrix(series, into: &writer)
            case .vector(let samples):
                PrometheusJSON.openVector(samples, into: &writer)
            default:
                PrometheusJSON.openVector([], into: &writer)
            }
            Self.writeStats(LokiStats(started: clock), into: &writer)
            writer.byte("}")
        }
    }

    func rangeQuery(
        _ parameters: LokiParameters, tenant: Tenant, categorize: Bool, cancellation: QueryCancellation
    ) throws -> JSONWriter {
        let query = try Self.parse(try parameters.query())
        let (start, end) = try parameters.range()
        let clock = ContinuousClock.now
        switch query {
        case .logs(let logs):
            let limit = try parameters.limit(maximum: maxLimit)
            let forward = try parameters.isForward()
            // Loki's range is [start, end): a line at `end` belongs to the next page.
            let lines = try engine.labeledLines(
                logs, tenant: tenant, from: start, to: max(start, end - 1), limit: limit, forward: forward,
                cancellation: cancellation)
            var stats = LokiStats(started: clock)
            stats.entries = lines.count
            stats.bytes = lines.reduce(0) { $0 + $1.line.utf8.count }
            return Self.success { writer in
                writer.raw("{\"resultType\":\"streams\",\"result\":")
                LokiStreams(lines, categorize: categorize).write(into: &writer)
                Self.writeStats(stats, into: &writer)
                writer.byte("}")
            }
        case .metrics:
            let step = try parameters.step(start: start, end: end)
            let result = try engine.execute(
                query, tenant: tenant, window: QueryWindow(start: start, end: end, step: step), cancellation: cancellation)
            guard case .matrix(let series) = result else { throw APIError(.badRequest, "the query has no range value") }
            return Self.success { writer in
                PrometheusJSON.openMatrix(series, into: &writer)
                Self.writeStats(LokiStats(started: clock), into: &writer)
                writer.byte("}")
            }
        default:
            throw APIError(.badRequest, "Loki's API answers log and metric queries; trace queries are served by the "
                + "Tempo API and /api/v1/query")
        }
    }

    /// `,"stats":{"summary":{…}}`: what Grafana's query inspector shows.
    static func writeStats(_ stats: LokiStats, into writer: inout JSONWriter) {
        let elapsed = (ContinuousClock.now - stats.started).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        let perSecond = { (count: Int) -> Int64 in seconds > 0 ? Int64(Double(count) / seconds) : Int64(count) }
        writer.raw(",\"stats\":{\"summary\":{\"execTime\":")
        writer.plain(String(seconds))
        for (name, value) in [
            ("bytesProcessedPerSecond", perSecond(stats.bytes)), ("linesProcessedPerSecond", perSecond(stats.entries)),
            ("totalBytesProcessed", Int64(stats.bytes)), ("totalLinesProcessed", Int64(stats.entries)),
            ("totalEntriesReturned", Int64(stats.entries)), ("queueTime", 0), ("subqueries", 0), ("splits", 0),
            ("shards", 0),
        ] {
            writer.byte(",")
            writer.string(name)
            writer.byte(":")
            writer.integer(value)
        }
        writer.raw("}}")
    }
}

/// What a query read and returned, for `stats`.
struct LokiStats {
    let started: ContinuousClock.Instant
    var entries = 0
    var bytes = 0
}

import LumenModel
import LumenQuery

/// `GET /loki/api/v1/tail`'s parameters, read as Loki's `loghttp.ParseTailQuery` reads them: `query` a log query,
/// `start` (nanoseconds, seconds or RFC 3339; by default an hour ago), `limit` the backlog's size (default 100,
/// at most the server's `--max-query-limit`), `delay_for` whole seconds from 0 to 5 (default 0).
struct LokiTailRequest: Sendable {
    /// Loki's `maxDelayForInTailing`.
    static let maxDelaySeconds = 5

    let query: LogQuery
    let start: Int64
    let limit: Int
    let delay: Int64

    init(_ parameters: LokiParameters, maxLimit: Int) throws(APIError) {
        let text = try parameters.query()
        do {
            query = try LokiRoutes.logQuery(text)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(.badRequest, "\(error)")
        }
        limit = try parameters.limit(maximum: maxLimit)
        start = try parameters.range().start
        var seconds = 0
        if let text = parameters["delay_for"] {
            guard let value = Int(text), value >= 0 else {
                throw APIError(.badRequest, "invalid delay_for \"\(text.prefix(32))\": use whole seconds from 0 to "
                    + "\(Self.maxDelaySeconds)")
            }
            guard value <= Self.maxDelaySeconds else {
                throw APIError(.badRequest, "delay_for can't be greater than \(Self.maxDelaySeconds)")
            }
            seconds = value
        }
        delay = Int64(seconds) * Timestamp.nanosecondsPerSecond
    }
}

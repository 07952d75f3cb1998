import Foundation
import Hummingbird
import LumenModel
import LumenQuery

/// TraceQL metrics as Grafana reads them: `GET /api/metrics/query_range?q&start&end&step` →
/// `{"series":[{"labels":[…],"samples":[{"timestampMs":"…","value":…}]}]}` and `GET /api/metrics/query?q&start&end`
/// → `{"series":[{"labels":[…],"value":…}]}` (Grafana decodes the instant answer strictly: nothing else in it).
/// `start`/`end` are Unix seconds (up to 10 digits, or with a fraction), nanoseconds (more digits) or RFC 3339;
/// without them the `since` (1h) before now. `step` is seconds or a duration; without it, Tempo's default
/// (about 240 points over the range).
extension TempoRoutes {
    func metrics(_ request: Request, instant: Bool) async throws(APIError) -> Response {
        let parameters = FormParameters(request.uri.query)
        guard let text = parameters["q"] ?? parameters["query"], !text.isEmpty else {
            throw APIError(.badRequest, "missing the TraceQL metrics query \"q\"")
        }
        let query: TraceQLQuery
        do {
            query = try TraceQLParser.parse(text)
        } catch {
            throw APIError(error, prefix: "invalid TraceQL query: ")
        }
        guard query.metrics != nil else {
            throw APIError(.badRequest, "not a metrics query: add a function like | rate() (searches go to /api/search)")
        }
        let now = Timestamp.now()
        var end = now
        if let text = parameters["end"] { end = try Self.metricsTime(text, name: "end") }
        var since = 3600 * Timestamp.nanosecondsPerSecond
        if let text = parameters["since"] { since = try TimeParameter.duration(text, name: "since") }
        var start = end - since
        if let text = parameters["start"] { start = try Self.metricsTime(text, name: "start") }
        guard start < end else {
            throw APIError(.badRequest, "http parameter start must be before end")
        }
        var step = instant ? end - start : Self.defaultStep(end - start)
        if !instant, let text = parameters["step"] {
            step = try TimeParameter.duration(text, name: "step")
            guard step > 0 else { throw APIError(.badRequest, "invalid step \"\(text.prefix(64))\": must be positive") }
        }
        // Written on the query thread: up to 11,000 steps per series (`PrometheusRoutes` says why).
        return try await run(request) { [engine, step, start, end] tenant, cancellation in
            let series = try engine.traceQLMetrics(
                query, tenant: tenant, from: start, to: end, step: step, cancellation: cancellation)
            return Self.metricsResponse(series, instant: instant)
        }
    }

    /// Tempo's `QueryRangeResponse` (or, for an instant query, `QueryInstantResponse`) in jsonpb.
    private static func metricsResponse(_ series: [TraceQLSeries], instant: Bool) -> Response {
        var json = JSONWriter()
        json.raw("{\"series\":")
        json.array(series) { json, series in
            json.raw("{\"labels\":")
            json.array(series.labels) { TempoJSON.keyValue(&$0, $1.key, $1.value) }
            if instant {
                json.raw(",\"value\":")
                Self.number(&json, series.samples.reduce(0) { $0 + $1.value })
            } else {
                json.raw(",\"samples\":")
                json.array(series.samples) { json, sample in
                    json.raw("{\"timestampMs\":\"")
                    json.integer(sample.timestampMs)
                    json.raw("\",\"value\":")
                    Self.number(&json, sample.value)
                    json.byte("}")
                }
            }
            json.byte("}")
        }
        json.byte("}")
        return Response(status: .ok, headers: [.contentType: "application/json"], body: json.body)
    }

    /// A double as jsonpb writes one: a number, or `"NaN"`, `"Infinity"`, `"-Infinity"`.
    private static func number(_ json: inout JSONWriter, _ value: Double) {
        if value.isNaN { json.raw("\"NaN\"") } else if value.isInfinite {
            json.raw(value > 0 ? "\"Infinity\"" : "\"-Infinity\"")
        } else {
            json.plain(String(value))
        }
    }

    /// Unix seconds (up to 10 digits, or with a fraction), nanoseconds (more digits) or RFC 3339.
    static func metricsTime(_ text: String, name: String) throws(APIError) -> Int64 {
        if text.count > 10, text.allSatisfy(\.isNumber) {
            guard let nanoseconds = Int64(text).flatMap(ClientTime.instant(nanoseconds:)) else {
                throw APIError(.badRequest, "invalid \(name) \"\(text.prefix(64))\": out of range, times must be "
                    + ClientTime.instantsText)
            }
            return nanoseconds
        }
        return try TimeParameter.time(text, name: name)
    }

    /// Tempo's default step: the range over 240, at least 1 s, rounded down to a multiple of the largest of
    /// 1h, 5m, 1m, 15s, 5s, 1s below it; under a minute, down to 50 ms multiples.
    static func defaultStep(_ range: Int64) -> Int64 {
        let baseline = range / 240
        let millisecond: Int64 = 1_000_000
        let second = 1_000 * millisecond
        if range < 60 * second { return max(50 * millisecond, baseline / (50 * millisecond) * 50 * millisecond) }
        for unit in [3600 * second, 300 * second, 60 * second, 15 * second, 5 * second, second] where unit < baseline {
            return baseline / unit * unit
        }
        return second
    }
}

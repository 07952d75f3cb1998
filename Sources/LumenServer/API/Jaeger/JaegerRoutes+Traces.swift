import Foundation
import Hummingbird
import LumenModel
import LumenQuery

/// Traces the Jaeger way: by ID (404 when missing, never an empty `data`), and a search for traces with a
/// span of `service` (and `operation`) carrying every one of `tags` (a JSON object, as Jaeger's UI and
/// Grafana send it, or logfmt) and lasting between `minDuration` and `maxDuration`; `start`/`end` in µs (else
/// `lookback`, like `1h`, back from now; else the last hour), at most `limit` traces (20), newest first.
extension JaegerRoutes {
    func trace(_ request: Request, id: String) async throws(APIError) -> Response {
        guard let traceID = TempoTraceID.parse(id) else {
            throw APIError(.badRequest, "invalid trace ID \"\((id.removingPercentEncoding ?? id).prefix(64))\": "
                + "expected up to 32 hexadecimal digits")
        }
        return try await queries.run(request, tenants: tenants) { [engine] tenant, _ in
            let spans = engine.store.trace(tenant, id: traceID).spans
            guard !spans.isEmpty else { throw APIError(.notFound, "trace not found") }
            return Self.envelope(count: 1) { json in
                json.byte("[")
                JaegerTraceJSON.trace(&json, traceID, spans)
                json.byte("]")
            }
        }
    }

    func search(_ request: Request) async throws(APIError) -> Response {
        let parameters = FormParameters(request.uri.query)
        guard let service = parameters["service"], !service.isEmpty else {
            throw APIError(.badRequest, "parameter 'service' is required")
        }
        let now = Timestamp.now()
        let end = try JaegerTime.microseconds(parameters["end"], name: "end") ?? now
        let lookback = try JaegerTime.duration(parameters["lookback"], name: "lookback") ?? 3600 * 1_000_000_000
        let start = try JaegerTime.microseconds(parameters["start"], name: "start") ?? end - lookback
        guard start <= end else { throw APIError(.badRequest, "start is after end") }
        var limit = 20
        if let text = parameters["limit"], !text.isEmpty {
            guard let value = Int(text), value > 0 else {
                throw APIError(.badRequest, "invalid limit \"\(text.prefix(64))\": use a positive whole number")
            }
            limit = min(value, maxLimit)
        }
        var conditions: [TraceQLCondition] = [
            .compare(.attribute(.resource, Resource.serviceNameKey), .equal, .string(service)),
        ]
        if let operation = parameters["operation"], !operation.isEmpty {
            conditions.append(.compare(.intrinsic(.name), .equal, .string(operation)))
        }
        for (key, value) in try Self.tags(parameters["tags"] ?? "") {
            if key == "error" {
                conditions.append(.compare(.intrinsic(.status), value == "true" ? .equal : .notEqual, .string("error")))
            } else {
                conditions.append(.compare(.attribute(.unscoped, key), .equal, .string(value)))
            }
        }
        let minimum = try JaegerTime.duration(parameters["minDuration"], name: "minDuration")
        let maximum = try JaegerTime.duration(parameters["maxDuration"], name: "maxDuration")
        if let minimum { conditions.append(.compare(.intrinsic(.duration), .greaterOrEqual, .duration(minimum))) }
        if let maximum { conditions.append(.compare(.intrinsic(.duration), .lessOrEqual, .duration(maximum))) }
        let query = TraceQLQuery(spansets: .filter(conditions.dropFirst().reduce(conditions[0]) { .and($0, $1) }))
        return try await run(request) { [engine, limit] tenant, cancellation in
            let summaries = try engine.traceQLSearch(
                query, tenant: tenant, from: start, to: end, limit: limit, cancellation: cancellation)
            let traces = engine.store.traces(tenant, ids: Set(summaries.map(\.traceID)), prefilter: .none)
            let found = summaries.map { ($0.traceID, traces[$0.traceID] ?? []) }
            // Whole traces, written on the query thread (`PrometheusRoutes` says why).
            return Self.envelope(count: found.count) { json in
                json.array(found) { json, trace in JaegerTraceJSON.trace(&json, trace.0, trace.1) }
            }
        }
    }

    /// `{"http.status_code":"500"}` or `http.status_code=500 error=true`.
    static func tags(_ text: String) throws(APIError) -> [(String, String)] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("{") else { return try LogfmtTags.parse(trimmed) }
        guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] else {
            throw APIError(.badRequest, "malformed 'tags' parameter: expected a JSON object of strings")
        }
        return object.sorted { $0.key < $1.key }.map { key, value in
            (key, (value as? String) ?? "\(value)")
        }
    }
}

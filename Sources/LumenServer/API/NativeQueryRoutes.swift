import Hummingbird
import LumenEngine
import LumenModel
import LumenQuery

/// The native JSON API, for every kind of query:
/// - `GET /lumen/v1/query?query=…` with `time`, or `start`/`end`/`step`, or `since` (a duration back from now),
///   and `limit` for logs and spans; a metric answer carries the exemplars of the series it read;
/// - `GET /lumen/v1/traces/<trace-id>`: the whole trace from every service, with its logs;
/// - and the correlation routes (`CorrelationRoutes`): the service graph, and a trace as OTLP JSON.
struct NativeQueryRoutes: Sendable {
    let engine: QueryEngine
    let tenants: TenantResolver
    let maxLimit: Int
    let queries: QueryExecutor

    func register(on router: Router<BasicRequestContext>) {
        router.get("/lumen/v1/query") { request, _ in
            try await self.query(request)
        }
        router.get("/lumen/v1/traces/:traceID") { request, context in
            try await self.trace(request, id: context.parameters.get("traceID") ?? "")
        }
        CorrelationRoutes(engine: engine, tenants: tenants, queries: queries).register(on: router)
    }

    private func query(_ request: Request) async throws(APIError) -> Response {
        let parameters = FormParameters(request.uri.query)
        guard let text = parameters["query"], !text.isEmpty else {
            throw APIError(.badRequest, "missing the query parameter \"query\"")
        }
        let window = try Self.window(parameters)
        var limit = 100
        if let given = parameters["limit"] {
            guard let parsed = Int(given), parsed > 0 else {
                throw APIError(.badRequest, "invalid limit \"\(given)\": use a positive whole number")
            }
            limit = min(parsed, maxLimit)
        }
        do {
            let tenant = try tenants.tenant(of: request)
            let query = try Parser.parse(text)
            // Encoded on the query thread too, as every query route's answer: a large one takes seconds to write,
            // which on Swift's shared pool held ingest acknowledgements behind it (`PrometheusRoutes`).
            return try await queries.run { [engine, limit] cancellation in
                let result = try engine.execute(
                    query, tenant: tenant, window: window, limit: limit, cancellation: cancellation)
                return NativeQueryJSON.response(
                    result, exemplars: engine.exemplars(of: query, tenant: tenant, window: window),
                    warnings: engine.warnings(of: query, result: result, tenant: tenant)
                        + (ReadScope.current?.warnings ?? []))
            }
        } catch let error as QueryError {
            throw APIError(error, prefix: error.kind == .badData ? "bad query: " : "")
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(.internalServerError, "\(error)")
        }
    }

    /// `time` (an instant), `start`+`end`+`step` (a range), or `since` (from now − since to now; a range with
    /// `step`). Log and span queries read `[start, end]`; without any, the last hour.
    static func window(_ parameters: FormParameters, now: Int64 = Timestamp.now()) throws(APIError) -> QueryWindow {
        var end = now
        if let given = parameters["end"] ?? parameters["time"] { end = try TimeParameter.time(given, name: "end") }
        var step: Int64? = nil
        if let given = parameters["step"] { step = try TimeParameter.duration(given, name: "step") }
        let start: Int64
        if let since = parameters["since"] {
            start = end - (try TimeParameter.duration(since, name: "since"))
        } else if let given = parameters["start"] {
            start = try TimeParameter.time(given, name: "start")
        } else if step != nil {
            throw APIError(.badRequest, "a step needs a range: give start and end, or since")
        } else {
            start = parameters["time"] != nil ? end : end - 3600 * Timestamp.nanosecondsPerSecond
        }
        guard start <= end else { throw APIError(.badRequest, "start is after end") }
        return QueryWindow(start: start, end: end, step: step)
    }

    /// On a query thread, answer written: in a cluster the read waits for the nodes holding the trace.
    private func trace(_ request: Request, id: String) async throws(APIError) -> Response {
        guard let traceID = TraceID(hex: id) else {
            // The path parameter arrives percent-encoded: echo what the user typed (`…`, not `%E2%80%A6`).
            let typed = id.removingPercentEncoding ?? id
            throw APIError(.badRequest, "invalid trace ID \"\(typed.prefix(64))\": expected 32 hexadecimal digits")
        }
        return try await queries.run(request, tenants: tenants) { [engine] tenant, _ in
            let (spans, logs) = engine.store.trace(tenant, id: traceID)
            guard !spans.isEmpty || !logs.isEmpty else {
                throw APIError(.notFound, "trace \(traceID.hex) not found")
            }
            return .json(TraceResponse(traceID: traceID, spans: spans, logs: logs))
        }
    }
}

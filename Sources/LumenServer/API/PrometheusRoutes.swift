import Hummingbird
import LumenEngine
import LumenModel
import LumenQuery

/// The Prometheus-compatible HTTP API, so existing tools (Grafana, promtool, prometheus-api-client, scripts)
/// work unchanged: `/api/v1/query`, `/api/v1/query_range`, `/api/v1/query_exemplars`, `/api/v1/series`,
/// `/api/v1/labels`, `/api/v1/label/<name>/values`, `/api/v1/metadata`, `/api/v1/format_query`, and the status
/// endpoints (`StatusRoutes`).
/// GET with query parameters or POST with a form body, answers in Prometheus' JSON envelope.
struct PrometheusRoutes: Sendable {
    let engine: QueryEngine
    let tenants: TenantResolver
    let metadata: MetricMetadataRegistry
    let status: StatusRoutes
    let queries: QueryExecutor

    init(
        engine: QueryEngine, tenants: TenantResolver, metadata: MetricMetadataRegistry, retention: Int64,
        queries: QueryExecutor
    ) {
        self.queries = queries
        self.engine = engine
        self.tenants = tenants
        self.metadata = metadata
        status = StatusRoutes(retention: retention)
    }

    func register(on router: Router<BasicRequestContext>) {
        for path in [
            "/api/v1/query", "/api/v1/query_range", "/api/v1/query_exemplars", "/api/v1/series", "/api/v1/labels",
            "/api/v1/format_query",
        ] {
            router.get(RouterPath(path)) { request, _ in await self.handle(path, request) }
            router.post(RouterPath(path)) { request, _ in await self.handle(path, request) }
        }
        router.get("/api/v1/metadata") { request, _ in await self.handle("/api/v1/metadata", request) }
        router.get("/api/v1/label/:name/values") { request, context in
            await self.handle("values:" + (context.parameters.get("name") ?? ""), request)
        }
        status.register(on: router)
    }

    private func handle(_ route: String, _ request: Request) async -> Response {
        do {
            var parameters = FormParameters(request.uri.query)
            if request.method == .post {
                var request = request
                let body = try await request.collectBody(upTo: 1 << 20)
                parameters.merge(FormParameters(String(buffer: body)))
            }
            let tenant = try tenants.tenant(of: request)
            // Written on the query thread too: a range query over thousands of series answers with hundreds of
            // megabytes, seconds of writing, which on Swift's shared pool held ingest acknowledgements behind it.
            return try await queries.run { [self, parameters] cancellation in
                let (data, warnings) = try answer(route, parameters, tenant: tenant, cancellation: cancellation)
                // A partial answer in a cluster names the nodes it left out (`ReadScopeMiddleware`).
                return PrometheusEnvelope(
                    status: "success", data: data, warnings: warnings + (ReadScope.current?.warnings ?? [])
                ).response()
            }
        } catch let error as APIError {
            return Self.errorResponse(error)
        } catch let error as QueryError {
            return Self.errorResponse(APIError(error))
        } catch {
            return Self.errorResponse(APIError(.badRequest, "\(error)"))
        }
    }

    /// Prometheus' error envelope, with the status and `errorType` of the error's kind (`QueryError+HTTP`).
    private static func errorResponse(_ error: APIError) -> Response {
        var response = PrometheusEnvelope(errorType: error.prometheusErrorType, error: error.message)
            .response(status: error.status)
        if let seconds = error.retryAfterSeconds { response.headers[.retryAfter] = String(seconds) }
        return response
    }

    /// The `data` of one route's answer, and its warnings; run on a query thread.
    private func answer(
        _ route: String, _ parameters: FormParameters, tenant: Tenant, cancellation: QueryCancellation
    ) throws -> (PrometheusJSON, [String]) {
        let data: PrometheusJSON
        var warnings: [String] = []
        switch route {
        case "/api/v1/query": (data, warnings) = try instantQuery(parameters, tenant: tenant, cancellation)
        case "/api/v1/query_range": (data, warnings) = try rangeQuery(parameters, tenant: tenant, cancellation)
        case "/api/v1/query_exemplars": data = try exemplars(parameters, tenant: tenant)
        case "/api/v1/series": data = try series(parameters, tenant: tenant)
        case "/api/v1/labels": data = .strings(try labelNames(parameters, tenant: tenant))
        case "/api/v1/format_query": data = .text(try formatQuery(parameters))
        case "/api/v1/metadata": data = try metricMetadata(parameters, tenant: tenant)
        default: data = .strings(try labelValues(String(route.dropFirst(7)), parameters, tenant: tenant))
        }
        return (data, warnings)
    }

    func metricQuery(_ parameters: FormParameters) throws -> Query {
        guard let text = parameters["query"], !text.isEmpty else {
            throw APIError(.badRequest, "missing the parameter \"query\"")
        }
        // Prometheus' API speaks PromQL only: `{job="a"}` is a metric selector here, not a log stream.
        return .metrics(try Parser.parsePromQL(text))
    }

    /// The answer, and its warnings (`QueryEngine.warnings`: a metric name that does not exist).
    private func instantQuery(
        _ parameters: FormParameters, tenant: Tenant, _ cancellation: QueryCancellation
    ) throws -> (PrometheusJSON, [String]) {
        let query = try metricQuery(parameters)
        let time = try parameters["time"].map { try TimeParameter.time($0, name: "time") } ?? Timestamp.now()
        let result = try engine.execute(query, tenant: tenant, window: .instant(time), cancellation: cancellation)
        let warnings = engine.warnings(of: query, result: result, tenant: tenant)
        switch result {
        case .vector(let samples): return (.vector(samples), warnings)
        case .matrix(let matrix): return (.matrix(matrix), warnings)
        case .scalar(let sample): return (.scalar(sample), warnings)
        case .string(let text, let at): return (.string(text, at: at), warnings)
        default: return (.vector([]), warnings)
        }
    }

    private func rangeQuery(
        _ parameters: FormParameters, tenant: Tenant, _ cancellation: QueryCancellation
    ) throws -> (PrometheusJSON, [String]) {
        let query = try metricQuery(parameters)
        guard let start = parameters["start"], let end = parameters["end"], let step = parameters["step"] else {
            throw APIError(.badRequest, "query_range needs start, end and step")
        }
        let window = QueryWindow(
            start: try TimeParameter.time(start, name: "start"), end: try TimeParameter.time(end, name: "end"),
            step: try TimeParameter.duration(step, name: "step"))
        let result = try engine.execute(query, tenant: tenant, window: window, cancellation: cancellation)
        let warnings = engine.warnings(of: query, result: result, tenant: tenant)
        guard case .matrix(let matrix) = result else { return (.matrix([]), warnings) }
        return (.matrix(matrix), warnings)
    }

    /// Exemplars of the series the query's selectors select, in `[start, end]` (by default the last hour).
    private func exemplars(_ parameters: FormParameters, tenant: Tenant) throws -> PrometheusJSON {
        let query = try metricQuery(parameters)
        let end = try parameters["end"].map { try TimeParameter.time($0, name: "end") } ?? Timestamp.now()
        let start = try parameters["start"].map { try TimeParameter.time($0, name: "start") } ?? (end - 3600 * 1_000_000_000)
        guard start <= end else { throw APIError(.badRequest, "end timestamp must not be before start time") }
        return .exemplars(engine.exemplars(of: query, tenant: tenant, from: start, to: end))
    }

    private func series(_ parameters: FormParameters, tenant: Tenant) throws -> PrometheusJSON {
        let selectors = parameters.all("match[]")
        guard !selectors.isEmpty else { throw APIError(.badRequest, "series needs at least one match[]") }
        let end = try parameters["end"].map { try TimeParameter.time($0, name: "end") } ?? Timestamp.now()
        let start = try parameters["start"].map { try TimeParameter.time($0, name: "start") } ?? (end - 3600 * 1_000_000_000)
        return .labelSets(labelSets(try Self.matcherSets(selectors), tenant: tenant, from: start, to: end).sorted())
    }
}

import Hummingbird
import LumenEngine
import LumenModel
import LumenQuery

/// Jaeger's query API (what Jaeger's UI and Grafana's Jaeger data source call), under `/jaeger`, because Tempo's
/// `/api/traces/<id>` answers at the root (Jaeger's query service serves the same under a base path,
/// `--query.base-path=/jaeger`; point the data source at `http://<lumen>/jaeger`):
/// - `GET /jaeger/api/services`, `/jaeger/api/services/<service>/operations`, `/jaeger/api/operations?service=`;
/// - `GET /jaeger/api/traces?service&operation&tags&minDuration&maxDuration&limit&start&end&lookback` (µs) and
///   `/jaeger/api/traces/<id>`;
/// - `GET /jaeger/api/dependencies?endTs&lookback` (ms).
/// Every answer is Jaeger's envelope `{"data":…,"total","limit","offset","errors"}`; an error is the same with
/// `data` null and `errors:[{"code","msg"}]`.
struct JaegerRoutes: Sendable {
    static let prefix = "/jaeger"
    /// How far back services and operations are looked for.
    static let catalogueLookback: Int64 = 24 * 3600 * Timestamp.nanosecondsPerSecond

    let engine: QueryEngine
    let tenants: TenantResolver
    let queries: QueryExecutor
    let maxLimit: Int

    func register(on router: Router<BasicRequestContext>) {
        let group = router.group(RouterPath(Self.prefix + "/api"))
        group.get("services") { request, _ in
            try await self.respond { try await self.services(request) }
        }
        group.get("services/:service/operations") { request, context in
            try await self.respond {
                try await self.operations(request, service: context.parameters.get("service") ?? "", detailed: false)
            }
        }
        group.get("operations") { request, _ in
            try await self.respond {
                let service = FormParameters(request.uri.query)["service"] ?? ""
                return try await self.operations(request, service: service, detailed: true)
            }
        }
        group.get("traces") { request, _ in
            try await self.respond { try await self.search(request) }
        }
        group.get("traces/:traceID") { request, context in
            try await self.respond { try await self.trace(request, id: context.parameters.get("traceID") ?? "") }
        }
        group.get("dependencies") { request, _ in
            try await self.respond { try await self.dependencies(request) }
        }
    }

    /// Turns a failure into Jaeger's error envelope with the failure's status.
    private func respond(_ work: () async throws -> Response) async -> Response {
        do {
            return try await work()
        } catch {
            let error = error as? APIError ?? APIError(.internalServerError, "\(error)")
            var json = JSONWriter()
            json.raw("{\"data\":null,\"total\":0,\"limit\":0,\"offset\":0,\"errors\":[{\"code\":")
            json.integer(Int64(error.status.code))
            json.raw(",\"msg\":")
            json.string(error.message)
            json.raw("}]}")
            var response = Response(
                status: error.status, headers: [.contentType: "application/json"],
                body: json.body)
            if let seconds = error.retryAfterSeconds { response.headers[.retryAfter] = String(seconds) }
            return response
        }
    }

    /// `{"data":<data>,"total":<count>,"limit":0,"offset":0,"errors":null}`.
    static func envelope(count: Int, _ data: (inout JSONWriter) -> Void) -> Response {
        var json = JSONWriter()
        json.raw("{\"data\":")
        data(&json)
        json.raw(",\"total\":")
        json.integer(Int64(count))
        json.raw(",\"limit\":0,\"offset\":0,\"errors\":null}")
        return Response(status: .ok, headers: [.contentType: "application/json"], body: json.body)
    }

    /// Runs `work` on a query thread with the request's tenant.
    func run<T: Sendable>(
        _ request: Request, _ work: @escaping @Sendable (Tenant, QueryCancellation) throws -> T
    ) async throws(APIError) -> T {
        try await queries.run(request, tenants: tenants, work)
    }

    private func services(_ request: Request) async throws(APIError) -> Response {
        let now = Timestamp.now()
        let names = try await run(request) { [engine] tenant, cancellation in
            try engine.traceQLTagValues(
                .attribute(.resource, Resource.serviceNameKey), filter: nil, tenant: tenant,
                from: now - Self.catalogueLookback, to: now, limit: .max, cancellation: cancellation)
        }.map(\.text)
        return Self.envelope(count: names.count) { json in json.array(names) { $0.string($1) } }
    }

    private func operations(_ request: Request, service encoded: String, detailed: Bool) async throws(APIError)
        -> Response
    {
        let service = encoded.removingPercentEncoding ?? encoded
        let now = Timestamp.now()
        let pairs = try await run(request) { [engine] tenant, cancellation in
            try engine.operations(
                of: service, tenant: tenant, from: now - Self.catalogueLookback, to: now, cancellation: cancellation)
        }
        guard detailed else {
            let names = Array(Set(pairs.map(\.name))).sorted()
            return Self.envelope(count: names.count) { json in json.array(names) { $0.string($1) } }
        }
        return Self.envelope(count: pairs.count) { json in
            json.array(pairs) { json, pair in
                json.raw("{\"name\":")
                json.string(pair.name)
                json.raw(",\"spanKind\":")
                json.string(pair.kind == .unspecified ? "" : pair.kind.name)
                json.byte("}")
            }
        }
    }

    private func dependencies(_ request: Request) async throws(APIError) -> Response {
        let parameters = FormParameters(request.uri.query)
        let end = try JaegerTime.milliseconds(parameters["endTs"], name: "endTs") ?? Timestamp.now()
        let lookback = try JaegerTime.durationMilliseconds(parameters["lookback"], name: "lookback")
            ?? 24 * 3600 * Timestamp.nanosecondsPerSecond
        let graph = try await run(request) { [engine] tenant, cancellation in
            try engine.serviceGraph(tenant, from: end - lookback, to: end, cancellation: cancellation)
        }
        return Self.envelope(count: graph.edges.count) { json in
            json.array(graph.edges) { json, edge in
                json.raw("{\"parent\":")
                json.string(edge.caller)
                json.raw(",\"child\":")
                json.string(edge.callee)
                json.raw(",\"callCount\":")
                json.integer(Int64(edge.stats.calls))
                json.byte("}")
            }
        }
    }
}

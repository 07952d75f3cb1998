import Hummingbird
import LumenEngine
import LumenModel
import LumenQuery

/// Tempo's HTTP query API, as Grafana's Tempo data source calls it (see docs/grafana.md):
/// - `GET /api/echo` (Save & test), `GET /api/status/buildinfo`;
/// - `GET /api/v2/traces/<id>` and `/api/traces/<id>`: protobuf for `Accept: application/protobuf`, else JSON;
/// - `GET /api/search` (TraceQL `q`, or the older `tags`), `/api/search/tags`, `/api/v2/search/tags`,
///   `/api/search/tag/<tag>/values`, `/api/v2/search/tag/<scope.tag>/values`;
/// - `GET /api/metrics/query_range`, `/api/metrics/query`: TraceQL metrics.
/// Streaming search over gRPC is not served.
struct TempoRoutes: Sendable {
    /// The Tempo release whose API this matches; Grafana turns features on by it.
    static let compatibleVersion = "2.9.0"

    let engine: QueryEngine
    let tenants: TenantResolver
    let queries: QueryExecutor
    let maxLimit: Int
    var build: BuildInfo = .current

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/echo") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "echo")))
        }
        router.get("/api/status/buildinfo") { _, _ in
            Response.json([
                "version": Self.compatibleVersion, "revision": build.revision, "branch": build.branch,
                "buildUser": build.buildUser, "buildDate": build.buildDate, "goVersion": build.compilerVersion,
                "lumenVersion": build.version,
            ])
        }
        router.get("/api/v2/traces/:traceID") { request, context in
            try await self.trace(request, id: context.parameters.get("traceID") ?? "", version: .v2)
        }
        router.get("/api/traces/:traceID") { request, context in
            try await self.trace(request, id: context.parameters.get("traceID") ?? "", version: .v1)
        }
        router.get("/api/search") { request, _ in
            try await self.search(request)
        }
        router.get("/api/search/tags") { request, _ in
            try await self.tagNames(request, version: .v1)
        }
        router.get("/api/v2/search/tags") { request, _ in
            try await self.tagNames(request, version: .v2)
        }
        router.get("/api/search/tag/:tag/values") { request, context in
            try await self.tagValues(request, tag: context.parameters.get("tag") ?? "", version: .v1)
        }
        router.get("/api/v2/search/tag/:tag/values") { request, context in
            try await self.tagValues(request, tag: context.parameters.get("tag") ?? "", version: .v2)
        }
        router.get("/api/metrics/query_range") { request, _ in
            try await self.metrics(request, instant: false)
        }
        router.get("/api/metrics/query") { request, _ in
            try await self.metrics(request, instant: true)
        }
    }

    enum Version { case v1, v2 }

    /// Runs `work` on a query thread with the request's tenant.
    func run<T: Sendable>(
        _ request: Request, _ work: @escaping @Sendable (Tenant, QueryCancellation) throws -> T
    ) async throws(APIError) -> T {
        try await queries.run(request, tenants: tenants, work)
    }
}

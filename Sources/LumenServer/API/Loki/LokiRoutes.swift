import HTTPTypes
import Hummingbird
import LumenEngine
import LumenModel
import LumenQuery

/// Loki's HTTP API on the query port, so Grafana's Loki data source (and logcli, and scripts) work unchanged:
/// `/loki/api/v1/query`, `query_range`, `labels`, `label/<name>/values`, `series`, `index/stats`,
/// `index/volume`, `index/volume_range`, `detected_labels`, `detected_fields`, `patterns`, `format_query`,
/// `status/buildinfo`. GET with query parameters or POST with a form body; LogQL is read by
/// `Parser.parseLogQL`. Failures answer with a non-2xx status and a plain-text message, as Loki's do.
struct LokiRoutes: Sendable {
    let engine: QueryEngine
    let tenants: TenantResolver
    let queries: QueryExecutor
    /// Loki's `max_entries_limit_per_query`: the largest `limit` a log query may ask for.
    let maxLimit: Int

    static let prefix = "/loki/api/v1/"

    func register(on router: Router<BasicRequestContext>) {
        for route in [
            "query", "query_range", "labels", "label", "series", "index/stats", "index/volume", "index/volume_range",
            "detected_labels", "detected_fields", "patterns", "format_query",
        ] {
            router.get(RouterPath(Self.prefix + route)) { request, _ in await handle(route, request) }
            router.post(RouterPath(Self.prefix + route)) { request, _ in await handle(route, request) }
        }
        router.get(RouterPath(Self.prefix + "label/:name/values")) { request, context in
            await handle("values", request, name: context.parameters.get("name") ?? "")
        }
        router.get(RouterPath(Self.prefix + "detected_field/:name/values")) { request, context in
            await handle("field_values", request, name: context.parameters.get("name") ?? "")
        }
        router.get(RouterPath(Self.prefix + "status/buildinfo")) { _, _ in
            var writer = JSONWriter()
            let build = BuildInfo.current
            writer.object([
                ("version", .string(build.version)), ("revision", .string(build.revision)),
                ("branch", .string(build.branch)), ("buildUser", .string(build.buildUser)),
                ("buildDate", .string(build.buildDate)), ("goVersion", .string(build.compilerVersion)),
            ])
            return Self.json(writer)
        }
    }

    private func handle(_ route: String, _ request: Request, name: String = "") async -> Response {
        do {
            var form = FormParameters(request.uri.query)
            if request.method == .post {
                var request = request
                let body = try await request.collectBody(upTo: 1 << 20)
                form.merge(FormParameters(String(buffer: body)))
            }
            let tenant = try tenants.tenant(of: request)
            let categorize = Self.encodingFlags(request).contains(Self.categorizeLabels)
            let parameters = LokiParameters(form: form, now: Timestamp.now())
            let writer = try await queries.run { [self, parameters] cancellation in
                try answer(route, name: name, parameters, tenant: tenant, categorize: categorize, cancellation: cancellation)
            }
            return Self.json(writer)
        } catch {
            return Self.failure(error)
        }
    }

    /// The whole JSON body of one route's answer; run on a query thread. The reads of lines stop when
    /// `cancellation` says so (the client went away, the server is stopping).
    private func answer(
        _ route: String, name: String, _ parameters: LokiParameters, tenant: Tenant, categorize: Bool,
        cancellation: QueryCancellation
    ) throws -> JSONWriter {
        switch route {
        case "query": return try instantQuery(parameters, tenant: tenant, categorize: categorize, cancellation: cancellation)
        case "query_range":
            return try rangeQuery(parameters, tenant: tenant, categorize: categorize, cancellation: cancellation)
        case "labels", "label": return try labelNames(parameters, tenant: tenant)
        case "values": return try labelValues(name, parameters, tenant: tenant)
        case "series": return try series(parameters, tenant: tenant)
        case "index/stats": return try indexStats(parameters, tenant: tenant)
        case "index/volume": return try volume(parameters, tenant: tenant, range: false)
        case "index/volume_range": return try volume(parameters, tenant: tenant, range: true)
        case "detected_labels": return try detectedLabels(parameters, tenant: tenant)
        case "detected_fields": return try detectedFields(parameters, tenant: tenant, cancellation: cancellation)
        case "field_values":
            return try detectedFieldValues(name, parameters, tenant: tenant, cancellation: cancellation)
        case "patterns": return try patterns(parameters, tenant: tenant, cancellation: cancellation)
        default: return try formatQuery(parameters)
        }
    }

    // MARK: Responses

    static let categorizeLabels = "categorize-labels"
    static let encodingFlagsHeader = HTTPField.Name("X-Loki-Response-Encoding-Flags")!

    /// `X-Loki-Response-Encoding-Flags`: a comma-separated list, matched exactly, as Loki does.
    static func encodingFlags(_ request: Request) -> [String] {
        guard let value = request.headers[encodingFlagsHeader] else { return [] }
        return value.split(separator: ",").map(String.init)
    }

    static func json(_ writer: JSONWriter) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: writer.body)
    }

    /// A failure as Loki answers it: plain text, a query's failure with Loki's status for its kind
    /// (`QueryError.Kind.lokiStatus`), anything else the request's own fault (400) unless it carries a status.
    static func failure(_ error: any Error) -> Response {
        let failure = error as? APIError ?? (error as? QueryError).map { APIError($0) }
            ?? APIError(.badRequest, "\(error)")
        var response = plain(failure.message, status: failure.kind?.lokiStatus ?? failure.status)
        if let seconds = failure.retryAfterSeconds { response.headers[.retryAfter] = String(seconds) }
        return response
    }

    static func plain(_ message: String, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: message + "\n")))
    }

    /// `{"status":"success","data":…}` with `data` written by `write`, and `"warnings":[…]` when the request's
    /// reads left something out (a damaged block page, a node of a partial answer: `ReadScope`).
    static func success(_ write: (inout JSONWriter) -> Void) -> JSONWriter {
        var writer = JSONWriter()
        writer.raw("{\"status\":\"success\",\"data\":")
        write(&writer)
        if let warnings = ReadScope.current?.warnings, !warnings.isEmpty {
            writer.raw(",\"warnings\":")
            writer.array(warnings) { writer, text in writer.string(text) }
        }
        writer.byte("}")
        return writer
    }

    /// A query's text parsed as LogQL; a syntax error is a 400 naming where.
    static func parse(_ text: String) throws -> Query {
        do {
            return try Parser.parseLogQL(text)
        } catch {
            throw APIError(.badRequest, "parse error: \(error)")
        }
    }

    /// The stream selector and pipeline of a query that must be a log query (labels' and index's `query`).
    static func logQuery(_ text: String) throws -> LogQuery {
        guard case .logs(let logs) = try parse(text) else {
            throw APIError(.badRequest, "\"\(text.prefix(100))\" is not a log query: expected a stream selector like "
                + "{service=\"cart\"}")
        }
        return logs
    }
}

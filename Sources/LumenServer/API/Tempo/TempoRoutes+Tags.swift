import Hummingbird
import LumenModel
import LumenQuery

/// The names and values Grafana's TraceQL editor offers:
/// - `/api/search/tags` → `{"tagNames":[…]}`; `/api/v2/search/tags` → `{"scopes":[{"name":"resource","tags":[…]},
///   …, {"name":"intrinsic","tags":[…]}]}`, narrowed by `scope` (resource, span, intrinsic; the scopes Lumen
///   keeps nothing in — event, link, instrumentation — answer empty);
/// - `/api/search/tag/<tag>/values` → `{"tagValues":["…"]}` for an attribute name;
///   `/api/v2/search/tag/<scope.tag>/values` → `{"tagValues":[{"type":"string","value":"…"}]}`, narrowed by the
///   spans `q` matches (a `q` that doesn't parse, as an editor sends mid-typing, narrows nothing).
/// The tag arrives URL-encoded twice (Grafana encodes it before its HTTP client does). `start`/`end` in Unix
/// seconds (else the last hour), `limit` per scope (5,000).
extension TempoRoutes {
    static let scopes = ["resource", "span", "intrinsic", "event", "link", "instrumentation"]
    static let intrinsicTags = TraceQLIntrinsic.allCases.filter { $0 != .nestedSetParent }.map(\.rawValue)
    static let defaultTagLimit = 5_000

    func tagNames(_ request: Request, version: Version) async throws(APIError) -> Response {
        let parameters = FormParameters(request.uri.query)
        let scope = parameters["scope"].flatMap { $0.isEmpty || $0 == "none" ? nil : $0 }
        if let scope, !Self.scopes.contains(scope) { throw APIError(.badRequest, "invalid scope: \(scope.prefix(64))") }
        let (start, end) = try TempoParameters.window(parameters)
        let limit = try TempoParameters.count(parameters, "limit", fallback: Self.defaultTagLimit, maximum: .max)
        let names = try await run(request) { [engine] tenant, cancellation in
            try engine.traceQLTagNames(tenant: tenant, from: start, to: end, limit: limit, cancellation: cancellation)
        }
        let scoped: [(String, [String])] = [
            ("resource", names.resource), ("span", names.span), ("intrinsic", Self.intrinsicTags),
        ].filter { scope == nil || $0.0 == scope }
        var json = JSONWriter()
        switch version {
        case .v1:
            json.raw("{\"tagNames\":")
            json.array(Set(scoped.filter { $0.0 != "intrinsic" }.flatMap(\.1)).sorted()) { $0.string($1) }
        case .v2:
            json.raw("{\"scopes\":")
            json.array(scoped) { json, scope in
                json.raw("{\"name\":")
                json.string(scope.0)
                json.raw(",\"tags\":")
                json.array(scope.1.prefix(limit)) { $0.string($1) }
                json.byte("}")
            }
        }
        json.raw(",\"metrics\":{}}")
        return Response(status: .ok, headers: [.contentType: "application/json"], body: json.body)
    }

    func tagValues(_ request: Request, tag encoded: String, version: Version) async throws(APIError) -> Response {
        let tag = Self.decodeTwice(encoded)
        let field: TraceQLField
        switch version {
        case .v1:
            field = TraceQLParser.field(tag).flatMap { if case .intrinsic = $0 { $0 } else { nil } }
                ?? .attribute(.unscoped, tag)
        case .v2:
            guard let parsed = TraceQLParser.field(tag) else {
                throw APIError(.badRequest, "invalid tag \"\(tag.prefix(64))\": use a TraceQL name like "
                    + "resource.service.name, span.http.method, .http.method or status")
            }
            field = parsed
        }
        let parameters = FormParameters(request.uri.query)
        let (start, end) = try TempoParameters.window(parameters)
        let limit = try TempoParameters.count(parameters, "limit", fallback: Self.defaultTagLimit, maximum: .max)
        let filter = parameters["q"].flatMap { try? TraceQLParser.parse($0) }.flatMap { query in
            query == TraceQLQuery(spansets: .filter(nil)) ? nil : query
        }
        let values = try await run(request) { [engine] tenant, cancellation in
            try engine.traceQLTagValues(
                field, filter: filter, tenant: tenant, from: start, to: end, limit: limit, cancellation: cancellation)
        }
        var json = JSONWriter()
        json.raw("{\"tagValues\":")
        switch version {
        case .v1:
            json.array(values) { $0.string($1.text) }
        case .v2:
            json.array(values) { json, value in
                json.raw("{\"type\":")
                json.string(Self.typeName(value, of: field))
                json.raw(",\"value\":")
                json.string(value.text)
                json.byte("}")
            }
        }
        json.raw(",\"metrics\":{}}")
        return Response(status: .ok, headers: [.contentType: "application/json"], body: json.body)
    }

    /// Hummingbird hands over the path segment still percent-encoded; Grafana encoded the name twice.
    static func decodeTwice(_ text: String) -> String {
        var decoded = text
        for _ in 0..<2 { decoded = decoded.removingPercentEncoding ?? decoded }
        return decoded
    }

    /// Tempo's names for a value's type: what the editor uses to quote it or not.
    private static func typeName(_ value: AttributeValue, of field: TraceQLField) -> String {
        switch field {
        case .intrinsic(.status): return "status"
        case .intrinsic(.kind): return "kind"
        case .intrinsic(.duration), .intrinsic(.traceDuration): return "duration"
        default: break
        }
        switch value {
        case .int: return "int"
        case .double: return "float"
        case .bool: return "bool"
        default: return "string"
        }
    }
}

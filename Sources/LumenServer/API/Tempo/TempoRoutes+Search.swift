import Hummingbird
import LumenModel
import LumenQuery

/// `GET /api/search`: TraceQL in `q`, or the older `tags` (logfmt `key=value …`, each an attribute of some
/// span) with `minDuration`/`maxDuration` on the trace; `limit` traces (20), `spss` spans per spanset (3,
/// 0 for all), `start`/`end` in Unix seconds (else the last hour). Answers Tempo's `SearchResponse` JSON.
extension TempoRoutes {
    func search(_ request: Request) async throws(APIError) -> Response {
        let parameters = FormParameters(request.uri.query)
        let query = try Self.searchQuery(parameters)
        guard query.metrics == nil else {
            throw APIError(.badRequest, "a metrics query goes to /api/metrics/query_range or /api/metrics/query")
        }
        let (start, end) = try TempoParameters.window(parameters)
        let limit = try TempoParameters.count(parameters, "limit", fallback: 20, maximum: maxLimit)
        let spansPerSet = try TempoParameters.count(parameters, "spss", fallback: 3, maximum: .max, zeroMeans: .max)
        return try await run(request) { [engine] tenant, cancellation in
            let traces = try engine.traceQLSearch(
                query, tenant: tenant, from: start, to: end, limit: limit, cancellation: cancellation)
            let json = TempoJSON.search(traces, fields: query.referencedFields, spansPerSet: spansPerSet)
            return Response(
                status: .ok, headers: [.contentType: "application/json"], body: json.body)
        }
    }

    /// The query a search asks: `q`, or one built from `tags`, `minDuration` and `maxDuration`.
    static func searchQuery(_ parameters: FormParameters) throws(APIError) -> TraceQLQuery {
        if let text = parameters["q"], !text.isEmpty {
            guard parameters["tags"] == nil else {
                throw APIError(.badRequest, "can't specify tags and q in the same query")
            }
            do {
                return try TraceQLParser.parse(text)
            } catch {
                throw APIError(error, prefix: "invalid TraceQL query: ")
            }
        }
        var conditions: [TraceQLCondition] = []
        for (key, value) in try LogfmtTags.parse(parameters["tags"] ?? "") {
            let field = TraceQLParser.field(key).flatMap { field -> TraceQLField? in
                if case .intrinsic = field { return field }
                return nil
            } ?? .attribute(.unscoped, key)
            conditions.append(.compare(field, .equal, .string(value)))
        }
        let bounds: [(String, ComparisonOperator)] = [("minDuration", .greaterOrEqual), ("maxDuration", .lessOrEqual)]
        var durations: [String: Int64] = [:]
        for (name, op) in bounds {
            guard let text = parameters[name] else { continue }
            let nanoseconds = try TimeParameter.duration(text, name: name)
            durations[name] = nanoseconds
            conditions.append(.compare(.intrinsic(.traceDuration), op, .duration(nanoseconds)))
        }
        if let min = durations["minDuration"], let max = durations["maxDuration"], max < min {
            throw APIError(.badRequest, "invalid maxDuration: must be greater than minDuration")
        }
        let condition = conditions.isEmpty ? nil : conditions.dropFirst().reduce(conditions[0]) { .and($0, $1) }
        return TraceQLQuery(spansets: .filter(condition))
    }
}

/// Tempo's legacy `tags` parameter: logfmt pairs `key=value key2="value 2"`, each key once.
enum LogfmtTags {
    static func parse(_ text: String) throws(APIError) -> [(String, String)] {
        var pairs: [(String, String)] = []
        var rest = Substring(text)
        while true {
            rest = rest.drop { $0 == " " }
            guard !rest.isEmpty else { return pairs }
            let key = rest.prefix { $0 != "=" && $0 != " " }
            rest = rest.dropFirst(key.count)
            guard !key.isEmpty, rest.first == "=" else {
                throw APIError(.badRequest, "invalid tags \"\(text.prefix(64))\": use logfmt, like service.name=cart")
            }
            rest = rest.dropFirst()
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                while let character = rest.first, character != "\"" {
                    if character == "\\", rest.count > 1 { rest = rest.dropFirst() }
                    value.append(rest.first!)
                    rest = rest.dropFirst()
                }
                guard rest.first == "\"" else {
                    throw APIError(.badRequest, "invalid tags \"\(text.prefix(64))\": unterminated quoted value")
                }
                rest = rest.dropFirst()
            } else {
                value = String(rest.prefix { $0 != " " })
                rest = rest.dropFirst(value.count)
            }
            guard !pairs.contains(where: { $0.0 == key }) else {
                throw APIError(.badRequest, "invalid tags: \(key) is given twice")
            }
            pairs.append((String(key), value))
        }
    }
}

import Hummingbird
import LumenEngine
import LumenModel
import LumenQuery

/// The Prometheus-compatible HTTP API, so existing tools (Grafana, promtool, scripts) work unchanged:
/// `/api/v1/query`, `/api/v1/query_range`, `/api/v1/query_exemplars`, `/api/v1/series`, `/api/v1/labels`,
/// `/api/v1/label/<name>/values`.
/// GET with query parameters or POST with a form body, answers in Prometheus' JSON envelope.
struct PrometheusRoutes: Sendable {
    let engine: QueryEngine
    let tenants: TenantResolver

    func register(on router: Router<BasicRequestContext>) {
        for path in ["/api/v1/query", "/api/v1/query_range", "/api/v1/query_exemplars", "/api/v1/series", "/api/v1/labels"] {
            router.get(RouterPath(path)) { request, _ in await self.handle(path, request) }
            router.post(RouterPath(path)) { request, _ in await self.handle(path, request) }
        }
        router.get("/api/v1/label/:name/values") { request, context in
            await self.handle("values:" + (context.parameters.get("name") ?? ""), request)
        }
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
            let data: PrometheusJSON
            switch route {
            case "/api/v1/query": data = try instantQuery(parameters, tenant: tenant)
            case "/api/v1/query_range": data = try rangeQuery(parameters, tenant: tenant)
            case "/api/v1/query_exemplars": data = try exemplars(parameters, tenant: tenant)
            case "/api/v1/series": data = try series(parameters, tenant: tenant)
            case "/api/v1/labels": data = .strings(engine.store.metricLabelNames(tenant))
            default: data = .strings(engine.store.metricLabelValues(tenant, name: String(route.dropFirst(7))))
            }
            return .json(PrometheusEnvelope(status: "success", data: data))
        } catch let error as APIError {
            return .json(PrometheusEnvelope(errorType: "bad_data", error: error.message), status: error.status)
        } catch let error as QueryError {
            return .json(PrometheusEnvelope(errorType: "bad_data", error: "\(error)"), status: .badRequest)
        } catch {
            return .json(PrometheusEnvelope(errorType: "bad_data", error: "\(error)"), status: .badRequest)
        }
    }

    private func metricQuery(_ parameters: FormParameters) throws -> Query {
        guard let text = parameters["query"], !text.isEmpty else {
            throw APIError(.badRequest, "missing the parameter \"query\"")
        }
        // Prometheus' API speaks PromQL only: `{job="a"}` is a metric selector here, not a log stream.
        return .metrics(try Parser.parsePromQL(text))
    }

    private func instantQuery(_ parameters: FormParameters, tenant: Tenant) throws -> PrometheusJSON {
        let query = try metricQuery(parameters)
        let time = try parameters["time"].map { try TimeParameter.time($0, name: "time") } ?? Timestamp.now()
        switch try engine.execute(query, tenant: tenant, window: .instant(time)) {
        case .vector(let samples): return .vector(samples)
        case .matrix(let matrix): return .matrix(matrix)
        case .scalar(let sample): return .scalar(sample)
        case .string(let text, let at): return .string(text, at: at)
        default: return .vector([])
        }
    }

    private func rangeQuery(_ parameters: FormParameters, tenant: Tenant) throws -> PrometheusJSON {
        let query = try metricQuery(parameters)
        guard let start = parameters["start"], let end = parameters["end"], let step = parameters["step"] else {
            throw APIError(.badRequest, "query_range needs start, end and step")
        }
        let window = QueryWindow(
            start: try TimeParameter.time(start, name: "start"), end: try TimeParameter.time(end, name: "end"),
            step: try TimeParameter.duration(step, name: "step"))
        guard case .matrix(let matrix) = try engine.execute(query, tenant: tenant, window: window) else {
            return .matrix([])
        }
        return .matrix(matrix)
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
        var found = Set<Labels>()
        for selector in selectors {
            guard let matchers = Query.metrics(try Parser.parsePromQL(selector)).selectorMatchers else {
                throw APIError(.badRequest, "match[] takes metric selectors")
            }
            for entry in engine.store.series(tenant, matching: matchers, from: start, to: end) {
                found.insert(entry.labels)
            }
        }
        return .labelSets(found.sorted())
    }
}

/// Prometheus' response envelope: `{"status":"success","data":…}` or `{"status":"error","errorType":…,"error":…}`.
struct PrometheusEnvelope: Encodable {
    var status: String
    var data: PrometheusJSON?
    var errorType: String?
    var error: String?

    init(status: String, data: PrometheusJSON) {
        self.status = status
        self.data = data
    }

    init(errorType: String, error: String) {
        status = "error"
        self.errorType = errorType
        self.error = error
    }
}

/// The `data` member, shaped as Prometheus shapes each answer.
enum PrometheusJSON: Encodable {
    case vector([InstantSample])
    case matrix([TimeSeries])
    /// `resultType: scalar`, `result: [<time>, "<value>"]`.
    case scalar(Sample)
    /// `resultType: string`, `result: [<time>, "<text>"]`.
    case string(String, at: Int64)
    case strings([String])
    case labelSets([Labels])
    /// `[{"seriesLabels": {…}, "exemplars": [{"labels": {…}, "value": "<value>", "timestamp": <seconds>}]}]`.
    case exemplars([TimeSeries])

    private enum Keys: String, CodingKey {
        case resultType, result, metric, value, values, seriesLabels, exemplars, labels, timestamp
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .strings(let strings):
            var container = encoder.singleValueContainer()
            try container.encode(strings)
        case .labelSets(let sets):
            var container = encoder.singleValueContainer()
            try container.encode(sets.map(Self.metric))
        case .exemplars(let found):
            var container = encoder.unkeyedContainer()
            for series in found {
                var item = container.nestedContainer(keyedBy: Keys.self)
                try item.encode(Self.metric(series.labels), forKey: .seriesLabels)
                var list = item.nestedUnkeyedContainer(forKey: .exemplars)
                for exemplar in series.exemplars {
                    var entry = list.nestedContainer(keyedBy: Keys.self)
                    try entry.encode(Self.metric(exemplar.labels), forKey: .labels)
                    try entry.encode(PrometheusNumber.format(exemplar.value), forKey: .value)
                    try entry.encode(TimeParameter.seconds(exemplar.timestamp), forKey: .timestamp)
                }
            }
        case .scalar(let sample):
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode("scalar", forKey: .resultType)
            var result = container.nestedUnkeyedContainer(forKey: .result)
            try Self.encode(sample, into: &result)
        case .string(let text, let at):
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode("string", forKey: .resultType)
            var result = container.nestedUnkeyedContainer(forKey: .result)
            try result.encode(TimeParameter.seconds(at))
            try result.encode(text)
        case .vector(let samples):
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode("vector", forKey: .resultType)
            var result = container.nestedUnkeyedContainer(forKey: .result)
            for sample in samples {
                var item = result.nestedContainer(keyedBy: Keys.self)
                try item.encode(Self.metric(sample.labels), forKey: .metric)
                var value = item.nestedUnkeyedContainer(forKey: .value)
                try Self.encode(sample.sample, into: &value)
            }
        case .matrix(let matrix):
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode("matrix", forKey: .resultType)
            var result = container.nestedUnkeyedContainer(forKey: .result)
            for series in matrix {
                var item = result.nestedContainer(keyedBy: Keys.self)
                try item.encode(Self.metric(series.labels), forKey: .metric)
                var values = item.nestedUnkeyedContainer(forKey: .values)
                for sample in series.samples {
                    var pair = values.nestedUnkeyedContainer()
                    try Self.encode(sample, into: &pair)
                }
            }
        }
    }

    private static func metric(_ labels: Labels) -> [String: String] {
        Dictionary(labels.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// `[<unix seconds>, "<value>"]`.
    private static func encode(_ sample: Sample, into container: inout some UnkeyedEncodingContainer) throws {
        try container.encode(TimeParameter.seconds(sample.timestamp))
        try container.encode(PrometheusNumber.format(sample.value))
    }
}

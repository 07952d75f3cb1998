import LumenModel
import LumenQuery

/// `/api/v1/metadata` and `/api/v1/format_query`, in Prometheus' shapes.
extension PrometheusRoutes {
    /// `{"<metric>": [{"type", "help", "unit"}, …]}`, from what senders said (`MetricMetadataRegistry`).
    /// `metric` picks one family, `limit` caps the families (negative: all), `limit_per_metric` the descriptions
    /// of each (when positive).
    func metricMetadata(_ parameters: FormParameters, tenant: Tenant) throws -> PrometheusJSON {
        func number(_ name: String) throws -> Int {
            guard let text = parameters[name], !text.isEmpty else { return -1 }
            guard let value = Int(text) else { throw APIError(.badRequest, "\(name) must be a number") }
            return value
        }
        let metric = parameters["metric"].flatMap { $0.isEmpty ? nil : $0 }
        return .metadata(metadata.metadata(
            tenant, metric: metric, limit: try number("limit"), limitPerMetric: try number("limit_per_metric")))
    }

    /// The PromQL expression `query` as Prometheus formats it (`Expr.prettyPromQL`).
    func formatQuery(_ parameters: FormParameters) throws -> String {
        guard case .metrics(let expr) = try metricQuery(parameters) else { return "" }
        return expr.prettyPromQL()
    }
}

import LumenModel
import LumenQuery

/// `/api/v1/labels` and `/api/v1/label/<name>/values` as Prometheus answers them: with `match[]`, the labels of
/// the series the selectors select; with `start`/`end`, of the series with samples in that range (by default all
/// time); with neither, every label the store holds, read from its indexes without touching a sample.
extension PrometheusRoutes {
    func labelNames(_ parameters: FormParameters, tenant: Tenant) throws -> [String] {
        guard let selected = try selectedSeries(parameters, tenant: tenant) else {
            return engine.store.metricLabelNames(tenant)
        }
        return Set(selected.lazy.flatMap { $0.map(\.name) }).sorted()
    }

    func labelValues(_ name: String, _ parameters: FormParameters, tenant: Tenant) throws -> [String] {
        guard LabelName.sanitize(name) == name else {
            throw APIError(.badRequest, "invalid label name: \"\(name)\"")
        }
        guard let selected = try selectedSeries(parameters, tenant: tenant) else {
            return engine.store.metricLabelValues(tenant, name: name)
        }
        return Set(selected.compactMap { $0[name] }).sorted()
    }

    /// The label sets of the series `match[]` selects (every series when none is given) that have samples in
    /// `[start, end]`; `nil` when the request names neither selectors nor a time, so every label answers.
    private func selectedSeries(_ parameters: FormParameters, tenant: Tenant) throws -> Set<Labels>? {
        let selectors = parameters.all("match[]")
        guard !selectors.isEmpty || parameters["start"] != nil || parameters["end"] != nil else { return nil }
        let start = try parameters["start"].map { try TimeParameter.time($0, name: "start") } ?? .min
        let end = try parameters["end"].map { try TimeParameter.time($0, name: "end") } ?? .max
        guard start <= end else { throw APIError(.badRequest, "end timestamp must not be before start time") }
        let matcherSets = selectors.isEmpty
            ? [[try LabelMatcher(Labels.metricName, .matchesRegex, ".+")]] : try Self.matcherSets(selectors)
        return labelSets(matcherSets, tenant: tenant, from: start, to: end)
    }

    /// The label sets of the series any of `matcherSets` selects that have samples in `[from, to]`.
    func labelSets(_ matcherSets: [[LabelMatcher]], tenant: Tenant, from: Int64, to: Int64) -> Set<Labels> {
        var found = Set<Labels>()
        for matchers in matcherSets {
            for series in engine.store.series(tenant, matching: matchers, from: from, to: to) {
                found.insert(series.labels)
            }
        }
        return found
    }

    /// Each `match[]` selector's matchers; anything but a selector is a 400.
    static func matcherSets(_ selectors: [String]) throws -> [[LabelMatcher]] {
        try selectors.map { selector in
            guard let matchers = Query.metrics(try Parser.parsePromQL(selector)).selectorMatchers else {
                throw APIError(.badRequest, "match[] takes metric selectors")
            }
            return matchers
        }
    }
}

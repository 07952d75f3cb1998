import LumenEngine
import LumenModel
import LumenQuery

/// `labels`, `label/<name>/values` and `series`, read from the log streams' index: the streams selected by the
/// `query` (or `match[]`) that have lines in `[start, end]`, their labels as Loki shows them (with `level` and
/// `detected_level`). `labels` and `values` without `query` answer from the index alone, for all time.
extension LokiRoutes {
    func labelNames(_ parameters: LokiParameters, tenant: Tenant) throws -> JSONWriter {
        let names: [String]
        if let query = parameters["query"] {
            let streams = try streamLabels([try Self.logQuery(query).matchers], parameters, tenant: tenant)
            names = Set(streams.flatMap { $0.map(\.name) }).sorted()
        } else {
            var stored = Set(engine.store.logLabelNames(tenant))
            if stored.contains("severity") { stored.formUnion(["level", "detected_level"]) }
            names = stored.sorted()
        }
        return Self.success { writer in writer.array(names) { writer, name in writer.string(name) } }
    }

    func labelValues(_ name: String, _ parameters: LokiParameters, tenant: Tenant) throws -> JSONWriter {
        guard LabelName.sanitize(name) == name else { throw APIError(.badRequest, "invalid label name: \"\(name)\"") }
        let values: [String]
        if let query = parameters["query"] {
            let streams = try streamLabels([try Self.logQuery(query).matchers], parameters, tenant: tenant)
            values = Set(streams.compactMap { $0[name] }).sorted()
        } else if Parser.severityAliases.contains(name) {
            values = engine.store.logLabelValues(tenant, name: "severity")
                .map { $0 == Severity.Level.unspecified.name ? "unknown" : $0 }.sorted()
        } else {
            values = engine.store.logLabelValues(tenant, name: name)
        }
        return Self.success { writer in writer.array(values) { writer, value in writer.string(value) } }
    }

    /// `match[]` takes stream selectors; without one, every stream.
    func series(_ parameters: LokiParameters, tenant: Tenant) throws -> JSONWriter {
        let selectors = parameters.form.all("match[]").filter { !$0.isEmpty }
        let matcherSets = try selectors.isEmpty ? [Self.everyStream] : selectors.map { try Self.logQuery($0).matchers }
        let streams = try streamLabels(matcherSets, parameters, tenant: tenant)
        return Self.success { writer in writer.array(streams) { writer, labels in writer.metric(labels) } }
    }

    /// Every log stream has a `severity` label (`unspecified` when the source gave none).
    static let everyStream = [try! LabelMatcher("severity", .matchesRegex, ".+")]

    /// The distinct label sets, as Loki shows them, of the streams any matcher set selects with lines in
    /// `[start, end]`.
    func streamLabels(_ matcherSets: [[LabelMatcher]], _ parameters: LokiParameters, tenant: Tenant) throws
        -> [Labels]
    {
        let (start, end) = try parameters.range()
        var found = Set<Labels>()
        for matchers in matcherSets {
            for stream in engine.store.logLines(
                tenant, matching: matchers, from: start, to: end, lineContains: [], sizes: false)
            where !stream.times.isEmpty {
                found.insert(LogQuery.levelLabeled(stream.labels))
            }
        }
        return found.sorted()
    }
}

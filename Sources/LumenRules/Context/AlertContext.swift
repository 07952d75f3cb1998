import Foundation
import LumenEngine
import LumenModel
import LumenQuery

/// What Lumen adds to an alert that no other engine can: the traces and log lines behind it, as the template
/// variables `$exemplars`, `$topLogTemplates` and `$traceCommand` (`RuleTemplate.contextVariables`).
///
/// - `$exemplars`: trace IDs (hex), newest first, of the exemplars of the series the rule's expression selects
///   that agree with the alert's labels, within the window; when there are none and the alert names a
///   `service`, the traces of that service's spans in the window, those with errors first.
/// - `$topLogTemplates`: the most frequent log templates (variables written `<_>`, as Loki's patterns) of the
///   alert's `service` in the window, each as "COUNT× TEMPLATE".
/// - `$traceCommand`: `lumen trace ID` for the first trace ID, or empty.
///
/// Reads go through the query engine with its limits; a failed read leaves the variable empty, never the
/// alert. Only the variables a rule's templates use are computed.
public struct AlertContext: Sendable {
    public static let maximumTraceIDs = 5
    public static let maximumLogTemplates = 3
    /// Log lines read to rank templates.
    public static let logSample = 1_000

    public let engine: QueryEngine

    public init(engine: QueryEngine) {
        self.engine = engine
    }

    /// The context variables in `wanted` for one alert of `expression`, evaluated at `time` over `window`
    /// nanoseconds back.
    public func extras(
        expression: Expr, labels: Labels, tenant: Tenant, at time: Int64, window: Int64, wanted: Set<String>
    ) -> [String: TemplateValue] {
        guard !wanted.isEmpty else { return [:] }
        let from = time &- max(window, 0)
        var extras: [String: TemplateValue] = [:]
        if wanted.contains("exemplars") || wanted.contains("traceCommand") {
            let traces = traceIDs(expression: expression, labels: labels, tenant: tenant, from: from, to: time)
            extras["exemplars"] = .list(traces.map { .string($0) })
            extras["traceCommand"] = .string(traces.first.map { "lumen trace \($0)" } ?? "")
        }
        if wanted.contains("topLogTemplates") {
            extras["topLogTemplates"] = .list(
                logTemplates(labels: labels, tenant: tenant, from: from, to: time).map { .string($0) })
        }
        return extras
    }

    /// Exemplar trace IDs behind the alert's series, else trace IDs of its service's spans.
    func traceIDs(expression: Expr, labels: Labels, tenant: Tenant, from: Int64, to: Int64) -> [String] {
        var found: [(time: Int64, id: String)] = []
        for series in engine.exemplars(of: .metrics(expression), tenant: tenant, from: from, to: to)
        where Self.agrees(series.labels, with: labels) {
            for exemplar in series.exemplars {
                if let trace = exemplar.traceID { found.append((exemplar.timestamp, trace.hex)) }
            }
        }
        var ids = Self.distinct(found.sorted { $0.time > $1.time }.map(\.id))
        if ids.isEmpty, let service = labels["service"] {
            for query in ["{service=\(Self.quoted(service)) && status=error}", "{service=\(Self.quoted(service))}"] {
                guard case .traces(let traces)? = try? engine.execute(
                    query, tenant: tenant, window: QueryWindow(start: from, end: to, step: nil),
                    limit: Self.maximumTraceIDs)
                else { continue }
                ids = Self.distinct(traces.sorted { $0.start > $1.start }.map(\.traceID.hex))
                if !ids.isEmpty { break }
            }
        }
        return Array(ids.prefix(Self.maximumTraceIDs))
    }

    /// The most frequent templates of the service's log lines, "COUNT× TEMPLATE", most frequent first.
    func logTemplates(labels: Labels, tenant: Tenant, from: Int64, to: Int64) -> [String] {
        guard let service = labels["service"],
              case .logs(let records)? = try? engine.execute(
                  "{service=\(Self.quoted(service))}", tenant: tenant,
                  window: QueryWindow(start: from, end: to, step: nil), limit: Self.logSample)
        else { return [] }
        var counts: [String: Int] = [:]
        for record in records { counts[LogPattern.of(record.body.text), default: 0] += 1 }
        return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(Self.maximumLogTemplates).map { "\($0.value)× \($0.key)" }
    }

    /// Whether a selected series belongs to the alert: every label they both have is equal (the alert's own
    /// rule labels and `alertname` are not on the series, and aggregation drops some of the series').
    static func agrees(_ series: Labels, with alert: Labels) -> Bool {
        series.allSatisfy { label in
            label.name == Labels.metricName || alert[label.name].map { $0 == label.value } ?? true
        }
    }

    private static func distinct(_ ids: [String]) -> [String] {
        var seen: Set<String> = []
        return ids.filter { seen.insert($0).inserted }
    }

    /// A label value as a double-quoted string of the query language.
    static func quoted(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

/// Computes the context variables of an alerting rule's result at a time, by result series.
public typealias AlertContextProvider =
    @Sendable (_ rule: Rule, _ result: [InstantSample], _ time: Int64) async -> [Labels: [String: TemplateValue]]

extension AlertContext {
    /// Result series of one rule that get a context at one evaluation; a rule with more gets it for the first.
    public static let maximumAlertsWithContext = 20

    /// The variables the rule's templates use, for each result series (at most `maximumAlertsWithContext`),
    /// over `window` back from `time` (Prometheus' lookback, 5 minutes, by default). Runs the reads in the
    /// calling thread: call it where rule queries run.
    public func contexts(
        for rule: Rule, result: [InstantSample], at time: Int64, tenant: Tenant,
        window: Int64 = QueryEngine.defaultLookback
    ) -> [Labels: [String: TemplateValue]] {
        let wanted = RuleTemplates.contextVariables(of: rule)
        guard !wanted.isEmpty else { return [:] }
        var extras: [Labels: [String: TemplateValue]] = [:]
        for element in result.prefix(Self.maximumAlertsWithContext) {
            extras[element.labels] = self.extras(
                expression: rule.query, labels: element.labels, tenant: tenant, at: time, window: window,
                wanted: wanted)
        }
        return extras
    }

    /// A provider that computes `contexts` in the calling task: for `lumen rules test` and tests.
    public func provider(tenant: Tenant) -> AlertContextProvider {
        { rule, result, time in self.contexts(for: rule, result: result, at: time, tenant: tenant) }
    }
}

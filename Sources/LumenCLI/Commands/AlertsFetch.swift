import Foundation
import LumenModel
import LumenQuery
import LumenRender
import LumenRules

/// Reads the pending and firing alerts from Prometheus' `/api/v1/alerts`, for `lumen alerts` and the
/// `alertlist` panel; a selector (`{severity="page"}`, `HighErrorRate{service="cart"}`) keeps the alerts whose
/// labels, `alertname` included, it matches — the API has no filter of its own.
struct AlertsFetch: Sendable {
    let client: APIClient

    struct Answer: Decodable {
        var data: RulesAPIJSON.AlertDiscovery
    }

    /// The alerts the selector matches, as the API wrote them.
    func alerts(matching selector: String? = nil) async throws -> [RulesAPIJSON.Alert] {
        let matchers = try selector.map(Self.matchers) ?? []
        let answer = try JSONDecoder().decode(Answer.self, from: try await client.get("api/v1/alerts"))
        return answer.data.alerts.filter { alert in matchers.allSatisfy { $0.matches(alert.labels[$0.name] ?? "") } }
    }

    /// The matchers of a metric selector; a bare name matches `alertname`.
    static func matchers(_ selector: String) throws -> [LabelMatcher] {
        guard let matchers = Query.metrics(try Parser.parsePromQL(selector)).selectorMatchers else {
            throw AlertsFetchError(description: "\"\(selector)\" is not a selector like {severity=\"page\"}")
        }
        return matchers.map { matcher in
            matcher.name == Labels.metricName ? (try? LabelMatcher("alertname", matcher.op, matcher.value)) ?? matcher
                : matcher
        }
    }

    static func activeAlert(_ alert: RulesAPIJSON.Alert) -> ActiveAlert? {
        guard let state = ActiveAlert.State(rawValue: alert.state) else { return nil }
        var labels = alert.labels
        let name = labels.removeValue(forKey: "alertname") ?? ""
        return ActiveAlert(
            name: name, state: state, labels: labels,
            summary: alert.annotations["summary"] ?? alert.annotations["description"],
            activeAt: alert.activeAt.flatMap(nanoseconds), value: alert.value)
    }

    /// RFC 3339 as the API writes it, to nanoseconds (to the microsecond: enough for "active for").
    static func nanoseconds(_ text: String) -> Int64? {
        for style in [Date.ISO8601FormatStyle(includingFractionalSeconds: true), Date.ISO8601FormatStyle()] {
            if let date = try? Date(text, strategy: style) { return Int64((date.timeIntervalSince1970 * 1e6).rounded()) * 1000 }
        }
        return nil
    }
}

struct AlertsFetchError: Error, CustomStringConvertible {
    let description: String
}

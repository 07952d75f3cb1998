import LumenModel

/// The filters of `/api/v1/rules` (Prometheus' parameters): `type` (`alert` or `record`), `rule_name[]`,
/// `rule_group[]`, `file[]`, `match[]` (label selectors any of which a rule's labels must match), and
/// `exclude_alerts`. Empty sets filter nothing; a group left without rules is left out.
public struct RulesAPIFilter: Sendable {
    public var kind: Rule.Kind?
    public var ruleNames: Set<String> = []
    public var groupNames: Set<String> = []
    public var files: Set<String> = []
    public var matchers: [[LabelMatcher]] = []
    public var excludeAlerts = false

    public init() {}

    /// Reads `type` as Prometheus does: `alert`, `record`, or nothing.
    public static func kind(_ text: String?) throws -> Rule.Kind? {
        switch text {
        case nil, "": return nil
        case "alert": return .alerting
        case "record": return .recording
        case let other?: throw FilterError(message: "unsupported type \"\(other)\": expected alert or record")
        }
    }

    public struct FilterError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    func admits(_ group: RuleGroupStatus) -> Bool {
        (groupNames.isEmpty || groupNames.contains(group.group.name))
            && (files.isEmpty || files.contains(group.group.file))
    }

    func admits(_ rule: RuleStatus) -> Bool {
        guard kind == nil || rule.rule.kind == kind, ruleNames.isEmpty || ruleNames.contains(rule.rule.name) else {
            return false
        }
        guard !matchers.isEmpty else { return true }
        let labels = Labels(rule.labels.map { Label($0.name, $0.value) })
        return matchers.contains { set in set.allSatisfy { $0.matches(labels[$0.name] ?? "") } }
    }
}

extension RulesAPIJSON {
    /// `/api/v1/rules`' data for the groups, filtered.
    public static func rules(_ groups: [RuleGroupStatus], filter: RulesAPIFilter = RulesAPIFilter()) -> RuleDiscovery {
        RuleDiscovery(groups: groups.filter(filter.admits).compactMap { status in
            let rules = status.rules.filter(filter.admits).map { rule(status: $0, excludeAlerts: filter.excludeAlerts) }
            if rules.isEmpty, filter.kind != nil || !filter.ruleNames.isEmpty || !filter.matchers.isEmpty { return nil }
            return Group(
                name: status.group.name, file: status.group.file, rules: rules,
                interval: Double(status.interval) / 1e9, limit: status.group.limit,
                evaluationTime: status.evaluationSeconds, lastEvaluation: time(status.lastEvaluation))
        })
    }

    /// `/api/v1/alerts`' data: every pending or firing alert of every rule.
    public static func alerts(_ groups: [RuleGroupStatus]) -> AlertDiscovery {
        AlertDiscovery(alerts: groups.flatMap(\.rules).flatMap { activeAlerts($0.alerts) })
    }

    static func rule(status: RuleStatus, excludeAlerts: Bool) -> Rule {
        let rule = status.rule
        let labels = dictionary(status.labels)
        switch rule.kind {
        case .recording:
            return Rule(
                name: rule.name, query: rule.expr, labels: labels.isEmpty ? nil : labels, health: status.health.rawValue,
                lastError: status.lastError, evaluationTime: status.evaluationSeconds,
                lastEvaluation: time(status.lastEvaluation), type: "recording")
        case .alerting:
            return Rule(
                state: status.state.rawValue, name: rule.name, query: rule.expr,
                duration: Double(rule.holdDuration) / 1e9, keepFiringFor: Double(rule.keepFiringFor) / 1e9,
                labels: labels, annotations: dictionary(rule.annotations),
                alerts: excludeAlerts ? [] : activeAlerts(status.alerts), health: status.health.rawValue,
                lastError: status.lastError, evaluationTime: status.evaluationSeconds,
                lastEvaluation: time(status.lastEvaluation), type: "alerting")
        }
    }

    static func activeAlerts(_ alerts: [LumenRules.Alert]) -> [Alert] {
        alerts.filter { $0.state != .inactive }.map { alert in
            Alert(
                labels: Dictionary(alert.labels.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 }),
                annotations: dictionary(alert.annotations), state: alert.state.rawValue,
                activeAt: time(alert.activeAt),
                keepFiringSince: alert.keepFiringSince == 0 ? nil : time(alert.keepFiringSince),
                value: value(alert.value))
        }
    }

    static func dictionary(_ labels: [RuleLabel]) -> [String: String] {
        Dictionary(labels.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
    }
}

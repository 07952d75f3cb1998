import LumenModel

extension RuleGroupRuntime {
    /// What identifies a rule across a reload (Prometheus' `nameAndLabels`): its name and labels.
    private static func identity(_ rule: Rule) -> String {
        rule.name + "{" + rule.labels.map { "\($0.name)=\($0.value)" }.joined(separator: ",") + "}"
    }

    /// Takes over the state of the group this one replaces on a reload (Prometheus' `CopyState`): for each rule
    /// with the same name and labels, in order, its alerts and the series it wrote; what no rule takes over is
    /// marked stale at the next evaluation.
    public func copyState(from old: RuleGroupRuntime) async {
        let previous = await old.state()
        lastEvaluation = previous.lastEvaluation
        evaluationSeconds = previous.evaluationSeconds
        var unclaimed: [String: [Int]] = [:]
        for (index, rule) in previous.rules.enumerated() { unclaimed[Self.identity(rule), default: []].append(index) }
        for (index, rule) in group.rules.enumerated() {
            let key = Self.identity(rule)
            guard let from = unclaimed[key]?.first else { continue }
            unclaimed[key]?.removeFirst()
            seriesInPreviousEval[index] = previous.series[from]
            statuses[index].health = previous.statuses[from].health
            statuses[index].lastError = previous.statuses[from].lastError
            statuses[index].lastEvaluation = previous.statuses[from].lastEvaluation
            statuses[index].evaluationSeconds = previous.statuses[from].evaluationSeconds
            if let alerts = previous.alerts[from], alertStates[index] != nil {
                alertStates[index]!.adopt(alerts)
                alertStates[index]!.restored = true
            }
        }
        staleSeries = previous.staleSeries
        for indexes in unclaimed.values {
            for index in indexes { staleSeries += previous.series[index] }
        }
    }

    /// Drops every alert and what the rules wrote last, as if the group had just started: another node evaluates
    /// the group now (its lease moved), and if this node gets it back, `for` state comes from `ALERTS_FOR_STATE`.
    public func forgetAlerts() {
        for (index, rule) in group.rules.enumerated() where rule.kind == .alerting {
            alertStates[index] = AlertingRuleState(rule: rule, groupLabels: group.labels, restored: false)
        }
        seriesInPreviousEval = Array(repeating: [], count: group.rules.count)
    }

    struct TransferableState: Sendable {
        var rules: [Rule]
        var series: [Set<Labels>]
        var alerts: [Int: [Labels: Alert]]
        var statuses: [RuleStatus]
        var staleSeries: [Labels]
        var lastEvaluation: Int64
        var evaluationSeconds: Double
    }

    func state() -> TransferableState {
        TransferableState(
            rules: group.rules, series: seriesInPreviousEval, alerts: alertStates.mapValues(\.active),
            statuses: statuses, staleSeries: staleSeries, lastEvaluation: lastEvaluation,
            evaluationSeconds: evaluationSeconds)
    }

    /// Restores how long each active alert has been pending from the `ALERTS_FOR_STATE` series written before a
    /// restart (Prometheus' `RestoreForState`), then lets ALERTS series be written. An alert whose state was
    /// written within `outageTolerance` before `time` keeps its `activeAt`, moved forward by the downtime,
    /// and fires no sooner than `forGracePeriod` from now; rules whose `for` is shorter than the grace period
    /// restore nothing.
    public func restoreForState(at time: Int64, environment: RuleEnvironment) {
        let from = time &- settings.outageTolerance
        for (index, var state) in alertStates {
            defer {
                state.restored = true
                alertStates[index] = state
            }
            let hold = state.rule.holdDuration
            guard hold >= settings.forGracePeriod else { continue }
            for labels in state.active.keys {
                let forStateLabels = AlertingRuleState.forStateLabels(labels)
                let matchers = forStateLabels.compactMap { try? LabelMatcher($0.name, .equal, $0.value) }
                let found = environment.store.series(environment.tenant, matching: matchers, from: from, to: time)
                    .first { $0.labels == forStateLabels }
                guard let last = found?.samples.last, !last.isStaleMarker else { continue }
                let downAt = last.timestamp / 1_000_000_000 * 1_000_000_000
                var activeAt = Int64(last.value) * 1_000_000_000
                let remaining = hold - (downAt - activeAt)
                if remaining <= 0 {
                    // It was firing: the next evaluation makes it fire again if its condition still holds.
                } else if remaining < settings.forGracePeriod {
                    activeAt = time + settings.forGracePeriod - hold
                } else {
                    activeAt += time - downAt
                }
                state.restoreActiveAt(labels, to: activeAt)
            }
        }
    }
}

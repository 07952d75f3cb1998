import LumenModel
import LumenQuery

/// The alerts of one alerting rule between evaluations, and Prometheus' state machine over them
/// (`rules/alerting.go`): a result series makes a pending alert, which fires once it held for the rule's `for`;
/// a firing alert whose series is gone keeps firing for `keep_firing_for`, then resolves; a resolved alert is
/// kept `resolvedRetention` so that it is sent as resolved; a pending one whose series is gone is dropped.
///
/// A value type with no clock and no I/O: the caller passes the evaluation time and the expression's result.
public struct AlertingRuleState: Sendable {
    /// How long a resolved alert is kept and resent (Prometheus' `resolvedRetention`).
    public static let resolvedRetention: Int64 = 15 * 60 * 1_000_000_000

    public let rule: Rule
    /// The group's labels under the rule's own.
    public let groupLabels: [RuleLabel]
    /// Active alerts by their labels.
    public private(set) var active: [Labels: Alert] = [:]
    /// Whether `for` state was restored after a start (or needs none): until then no ALERTS series are written,
    /// as in Prometheus, so that a half-known state is not recorded.
    public var restored: Bool

    public init(rule: Rule, groupLabels: [RuleLabel] = [], restored: Bool = true) {
        self.rule = rule
        self.groupLabels = groupLabels
        self.restored = restored
    }

    public struct LimitExceeded: Error, CustomStringConvertible {
        public let limit: Int
        public let count: Int
        public var description: String { "exceeded limit of \(limit) with \(count) alerts" }
    }

    public struct DuplicateLabels: Error, CustomStringConvertible {
        public var description: String { "vector contains metrics with the same labelset after applying alert labels" }
    }

    /// Applies one evaluation's result at `time` and returns the ALERTS and ALERTS_FOR_STATE samples to write
    /// at `sampleTime` (the evaluation time minus the group's query offset). Throws, as Prometheus does, when
    /// two result series give one alert, or when more than `limit` alerts are pending or firing (then every
    /// alert is dropped).
    public mutating func evaluate(
        _ result: [InstantSample], at time: Int64, sampleTime: Int64, limit: Int, externalLabels: Labels = Labels([]),
        externalURL: String = "", extras: [Labels: [String: TemplateValue]] = [:]
    ) throws -> [TimeSeries] {
        var current: [Labels: Alert] = [:]
        for element in result {
            let data = AlertTemplateData(
                labels: element.labels, value: element.sample.value, externalLabels: externalLabels,
                externalURL: externalURL, extras: extras[element.labels] ?? [:])
            var builder = element.labels.labels.filter { $0.name != Labels.metricName }
            for label in groupLabels + rule.labels {
                builder.append(Label(label.name, RuleTemplates.expand(label.value, rule: rule.name, data: data)))
            }
            builder.append(Label("alertname", rule.name))
            let labels = Labels(builder)
            let annotations = rule.annotations.map {
                RuleLabel($0.name, RuleTemplates.expand($0.value, rule: rule.name, data: data))
            }
            guard current[labels] == nil else { throw DuplicateLabels() }
            current[labels] = Alert(
                labels: labels, annotations: annotations, state: .pending, value: element.sample.value,
                activeAt: time)
        }
        for (labels, alert) in current {
            if var existing = active[labels], existing.state != .inactive {
                existing.value = alert.value
                existing.annotations = alert.annotations
                active[labels] = existing
            } else {
                active[labels] = alert
            }
        }
        var samples: [TimeSeries] = []
        var activeCount = 0
        for (labels, var alert) in active {
            if current[labels] == nil {
                var keepFiring = false
                if alert.state == .firing, rule.keepFiringFor > 0 {
                    if alert.keepFiringSince == 0 { alert.keepFiringSince = time }
                    keepFiring = time - alert.keepFiringSince < rule.keepFiringFor
                }
                if alert.state == .pending
                    || (alert.resolvedAt != 0 && time - alert.resolvedAt > Self.resolvedRetention)
                {
                    active[labels] = nil
                    continue
                }
                if alert.state != .inactive, !keepFiring {
                    alert.state = .inactive
                    alert.resolvedAt = time
                }
                guard keepFiring else {
                    active[labels] = alert
                    continue
                }
            } else {
                alert.keepFiringSince = 0
            }
            activeCount += 1
            if alert.state == .pending, time - alert.activeAt >= rule.holdDuration {
                alert.state = .firing
                alert.firedAt = time
            }
            active[labels] = alert
            if restored {
                samples.append(Self.alertsSample(alert, at: sampleTime))
                samples.append(Self.forStateSample(alert, at: sampleTime))
            }
        }
        if limit > 0, activeCount > limit {
            active = [:]
            throw LimitExceeded(limit: limit, count: activeCount)
        }
        return samples
    }

    /// `ALERTS{alertname, alertstate, …} 1`.
    static func alertsSample(_ alert: Alert, at time: Int64) -> TimeSeries {
        let labels = Labels(alert.labels.labels + [
            Label(Labels.metricName, "ALERTS"), Label("alertstate", alert.state.rawValue),
        ])
        return TimeSeries(labels: labels, samples: [Sample(timestamp: time, value: 1)])
    }

    /// The labels of `ALERTS_FOR_STATE` for an alert.
    static func forStateLabels(_ labels: Labels) -> Labels {
        Labels(labels.labels + [Label(Labels.metricName, "ALERTS_FOR_STATE")])
    }

    /// `ALERTS_FOR_STATE{alertname, …} <activeAt in seconds>`: what lets `for` progress survive a restart.
    static func forStateSample(_ alert: Alert, at time: Int64) -> TimeSeries {
        TimeSeries(
            labels: forStateLabels(alert.labels),
            samples: [Sample(timestamp: time, value: Double(alert.activeAt / 1_000_000_000))])
    }

    /// The alerts due for the notifier at `time`, marked as sent (Prometheus' `sendAlerts`): each valid until
    /// 4 × max(interval, resendDelay) from now, so two missed evaluations or sends don't resolve it.
    public mutating func alertsToSend(
        at time: Int64, resendDelay: Int64, interval: Int64, generatorURL: String
    ) -> [OutgoingAlert] {
        var outgoing: [OutgoingAlert] = []
        for (labels, var alert) in active where alert.needsSending(at: time, resendDelay: resendDelay) {
            alert.lastSentAt = time
            alert.validUntil = time &+ 4 &* max(interval, resendDelay)
            active[labels] = alert
            outgoing.append(OutgoingAlert(
                labels: alert.labels, annotations: alert.annotations, startsAt: alert.firedAt,
                endsAt: alert.resolvedAt != 0 ? alert.resolvedAt : alert.validUntil, generatorURL: generatorURL))
        }
        return outgoing.sorted { $0.labels < $1.labels }
    }

    /// Carries the alerts of the same rule from before a reload.
    public mutating func adopt(_ alerts: [Labels: Alert]) {
        for (labels, alert) in alerts { active[labels] = alert }
    }

    /// Moves an alert's `activeAt` (the restore of `for` state after a restart).
    mutating func restoreActiveAt(_ labels: Labels, to activeAt: Int64) {
        active[labels]?.activeAt = activeAt
    }

    /// The rule's state: firing if any alert fires, else pending if any is pending, else inactive.
    public var state: Alert.State {
        var state = Alert.State.inactive
        for alert in active.values {
            if alert.state == .firing { return .firing }
            if alert.state == .pending { state = .pending }
        }
        return state
    }
}

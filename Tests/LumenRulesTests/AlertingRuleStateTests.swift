import LumenModel
import LumenQuery
import Testing

@testable import LumenRules

/// Prometheus' alert state machine, driven evaluation by evaluation with explicit times (the injected clock).
struct AlertingRuleStateTests {
    private static let second: Int64 = 1_000_000_000
    private static let minute = 60 * second

    private func rule(for hold: Int64 = 0, keepFiringFor: Int64 = 0) throws -> Rule {
        Rule(
            kind: .alerting, name: "HighLatency", expr: "latency > 1", query: try Parser.parsePromQL("latency > 1"),
            holdDuration: hold, keepFiringFor: keepFiringFor, labels: [RuleLabel("severity", "page")],
            annotations: [RuleLabel("summary", "slow")])
    }

    private func result(_ value: Double, instance: String = "a") -> [InstantSample] {
        [InstantSample(labels: Labels(["__name__": "latency", "instance": instance]), sample: Sample(timestamp: 0, value: value))]
    }

    private var alertLabels: Labels { Labels(["alertname": "HighLatency", "instance": "a", "severity": "page"]) }

    @Test func anAlertIsPendingUntilItsForHasPassedThenFires() throws {
        var state = AlertingRuleState(rule: try rule(for: 5 * Self.minute))
        var samples = try state.evaluate(result(2), at: 0, sampleTime: 0, limit: 0)
        #expect(state.active[alertLabels]?.state == .pending)
        #expect(samples.map(\.labels).contains(Labels(alertLabels.labels + [
            Label("__name__", "ALERTS"), Label("alertstate", "pending"),
        ])))
        _ = try state.evaluate(result(2), at: 4 * Self.minute, sampleTime: 4 * Self.minute, limit: 0)
        #expect(state.active[alertLabels]?.state == .pending)
        samples = try state.evaluate(result(3), at: 5 * Self.minute, sampleTime: 5 * Self.minute, limit: 0)
        let alert = try #require(state.active[alertLabels])
        #expect(alert.state == .firing && alert.firedAt == 5 * Self.minute && alert.activeAt == 0 && alert.value == 3)
        #expect(state.state == .firing)
        let forState = try #require(samples.first { $0.labels.metricName == "ALERTS_FOR_STATE" })
        #expect(forState.samples == [Sample(timestamp: 5 * Self.minute, value: 0)])
    }

    @Test func aPendingAlertWhoseSeriesIsGoneIsDroppedAtOnce() throws {
        var state = AlertingRuleState(rule: try rule(for: 5 * Self.minute))
        _ = try state.evaluate(result(2), at: 0, sampleTime: 0, limit: 0)
        let samples = try state.evaluate([], at: Self.minute, sampleTime: Self.minute, limit: 0)
        #expect(state.active.isEmpty && samples.isEmpty)
    }

    @Test func aResolvedAlertIsKeptFifteenMinutesAndSentAsResolved() throws {
        var state = AlertingRuleState(rule: try rule())
        let start = 3_600 * Self.second
        let (delay, interval) = (Self.minute, 15 * Self.second)
        _ = try state.evaluate(result(2), at: start, sampleTime: start, limit: 0)
        let firing = state.alertsToSend(at: start, resendDelay: delay, interval: interval, generatorURL: "u")
        #expect(firing.count == 1 && firing[0].startsAt == start && firing[0].endsAt == start + 4 * Self.minute)
        // Not resent before the resend delay has passed.
        let later = start + 30 * Self.second
        _ = try state.evaluate(result(2), at: later, sampleTime: later, limit: 0)
        #expect(state.alertsToSend(at: later, resendDelay: delay, interval: interval, generatorURL: "u").isEmpty)
        // The series is gone: resolved, written no more, and sent at once with endsAt = the resolve time.
        let resolvedAt = start + 45 * Self.second
        let samples = try state.evaluate([], at: resolvedAt, sampleTime: resolvedAt, limit: 0)
        #expect(samples.isEmpty)
        #expect(state.active[alertLabels]?.state == .inactive && state.active[alertLabels]?.resolvedAt == resolvedAt)
        let resolved = state.alertsToSend(at: resolvedAt, resendDelay: delay, interval: interval, generatorURL: "u")
        #expect(resolved.count == 1 && resolved[0].endsAt == resolvedAt)
        // Kept (and resent each minute) for 15 minutes, then dropped.
        _ = try state.evaluate([], at: resolvedAt + 15 * Self.minute, sampleTime: 0, limit: 0)
        #expect(state.active[alertLabels] != nil)
        _ = try state.evaluate([], at: resolvedAt + 15 * Self.minute + Self.second, sampleTime: 0, limit: 0)
        #expect(state.active.isEmpty)
    }

    @Test func aResolvedAlertThatReturnsStartsPendingAgain() throws {
        var state = AlertingRuleState(rule: try rule(for: Self.minute))
        _ = try state.evaluate(result(2), at: 0, sampleTime: 0, limit: 0)
        _ = try state.evaluate(result(2), at: Self.minute, sampleTime: 0, limit: 0)
        _ = try state.evaluate([], at: 2 * Self.minute, sampleTime: 0, limit: 0)
        _ = try state.evaluate(result(2), at: 3 * Self.minute, sampleTime: 0, limit: 0)
        let alert = try #require(state.active[alertLabels])
        #expect(alert.state == .pending && alert.activeAt == 3 * Self.minute && alert.resolvedAt == 0)
    }

    @Test func keepFiringForHoldsAFiringAlertAfterItsSeriesIsGone() throws {
        var state = AlertingRuleState(rule: try rule(keepFiringFor: 2 * Self.minute))
        _ = try state.evaluate(result(2), at: 0, sampleTime: 0, limit: 0)
        var samples = try state.evaluate([], at: Self.minute, sampleTime: Self.minute, limit: 0)
        #expect(state.active[alertLabels]?.state == .firing && state.active[alertLabels]?.keepFiringSince == Self.minute)
        #expect(samples.contains { $0.labels["alertstate"] == "firing" })
        samples = try state.evaluate([], at: 2 * Self.minute + Self.second, sampleTime: 0, limit: 0)
        #expect(state.active[alertLabels]?.state == .firing)
        samples = try state.evaluate([], at: 3 * Self.minute, sampleTime: 0, limit: 0)
        #expect(state.active[alertLabels]?.state == .inactive && samples.isEmpty)
    }

    @Test func theSeriesComingBackResetsKeepFiringFor() throws {
        var state = AlertingRuleState(rule: try rule(keepFiringFor: 2 * Self.minute))
        _ = try state.evaluate(result(2), at: 0, sampleTime: 0, limit: 0)
        _ = try state.evaluate([], at: Self.minute, sampleTime: 0, limit: 0)
        _ = try state.evaluate(result(2), at: 2 * Self.minute, sampleTime: 0, limit: 0)
        #expect(state.active[alertLabels]?.keepFiringSince == 0 && state.active[alertLabels]?.state == .firing)
    }

    @Test func moreAlertsThanTheLimitFailTheRuleAndDropItsAlerts() throws {
        var state = AlertingRuleState(rule: try rule())
        #expect(throws: AlertingRuleState.LimitExceeded.self) {
            try state.evaluate(result(2, instance: "a") + result(2, instance: "b"), at: 0, sampleTime: 0, limit: 1)
        }
        #expect(state.active.isEmpty)
    }

    @Test func noAlertSeriesAreWrittenUntilTheStateIsRestored() throws {
        var state = AlertingRuleState(rule: try rule(for: Self.minute), restored: false)
        #expect(try state.evaluate(result(2), at: 0, sampleTime: 0, limit: 0).isEmpty)
        state.restored = true
        #expect(try state.evaluate(result(2), at: Self.minute, sampleTime: 0, limit: 0).count == 2)
    }

    @Test func labelsAndAnnotationsAreExpandedWithTheSeriesLabelsAndValue() throws {
        var rule = try rule()
        rule.labels = [RuleLabel("severity", "{{ if gt $value 10.0 }}page{{ else }}ticket{{ end }}")]
        rule.annotations = [RuleLabel("summary", "{{ $labels.instance }} at {{ $value }}")]
        var state = AlertingRuleState(rule: rule)
        _ = try state.evaluate(result(2), at: 0, sampleTime: 0, limit: 0)
        let alert = try #require(state.active.values.first)
        #expect(alert.labels == Labels(["alertname": "HighLatency", "instance": "a", "severity": "ticket"]))
        #expect(alert.annotations == [RuleLabel("summary", "a at 2")])
    }
}

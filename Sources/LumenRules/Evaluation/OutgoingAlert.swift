import LumenModel

/// An alert as it is handed to the notifier after a group's evaluation, in Alertmanager's v2 shape
/// (`POST /api/v2/alerts`): `endsAt` is the resolve time once resolved, else a time in the future after which
/// Alertmanager resolves the alert by itself unless it is sent again. Times are nanoseconds since the epoch.
public struct OutgoingAlert: Sendable, Equatable {
    public var labels: Labels
    public var annotations: [RuleLabel]
    public var startsAt: Int64
    public var endsAt: Int64
    public var generatorURL: String

    public init(labels: Labels, annotations: [RuleLabel], startsAt: Int64, endsAt: Int64, generatorURL: String) {
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.generatorURL = generatorURL
    }
}

/// Whether this node evaluates the group of `file` and `name` now; in a cluster, whether it holds the group's
/// lease (`RuleGroupLeases.mayEvaluate`). Must return quickly.
public typealias RuleEvaluationGate = @Sendable (_ file: String, _ name: String) async -> Bool

/// Receives the alerts to send after each evaluation of an alerting rule (Prometheus' `NotifyFunc`): firing
/// ones due for a resend and newly resolved ones. It must not block: queue and return.
public typealias AlertNotifier = @Sendable (_ alerts: [OutgoingAlert]) -> Void

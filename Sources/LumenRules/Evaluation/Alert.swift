import LumenModel

/// One alert of an alerting rule: a result series of its expression, with the rule's labels and `alertname`.
/// Times are nanoseconds since the epoch; 0 means "not yet".
public struct Alert: Sendable, Equatable {
    public enum State: String, Sendable, Equatable {
        /// Resolved: the condition stopped holding (kept 15 minutes to be sent as resolved).
        case inactive
        /// The condition holds, for less than the rule's `for`.
        case pending
        case firing
    }

    public var labels: Labels
    public var annotations: [RuleLabel]
    public var state: State
    /// The expression's value for this series at the latest evaluation that returned it.
    public var value: Double
    /// When the condition started to hold (moved forward on a restore, as Prometheus does).
    public var activeAt: Int64
    public var firedAt: Int64 = 0
    public var resolvedAt: Int64 = 0
    public var lastSentAt: Int64 = 0
    /// Until when the last notification holds the alert firing at the Alertmanager.
    public var validUntil: Int64 = 0
    /// Since when a firing alert's condition is false but `keep_firing_for` keeps it firing.
    public var keepFiringSince: Int64 = 0

    public init(labels: Labels, annotations: [RuleLabel], state: State, value: Double, activeAt: Int64) {
        self.labels = labels
        self.annotations = annotations
        self.state = state
        self.value = value
        self.activeAt = activeAt
    }

    /// Whether the notifier should be given the alert at `time` (Prometheus' `needsSending`): never while
    /// pending; at once when never sent or after it resolved; else once `resendDelay` passed since the last send.
    func needsSending(at time: Int64, resendDelay: Int64) -> Bool {
        if state == .pending { return false }
        if lastSentAt == 0 || resolvedAt > lastSentAt { return true }
        return lastSentAt &+ resendDelay < time
    }
}

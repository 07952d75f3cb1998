/// How a rule's latest evaluation went, in Prometheus' words (`ok`, `err`, `unknown` before the first).
public enum RuleHealth: String, Sendable, Equatable {
    case unknown
    case ok
    case err
}

/// What the API shows of one rule: its definition, how its latest evaluation went, and its alerts.
public struct RuleStatus: Sendable {
    public var rule: Rule
    public var health: RuleHealth = .unknown
    public var lastError: String?
    /// When it was last evaluated (nanoseconds since the epoch; 0 = never) and how long that took (seconds).
    public var lastEvaluation: Int64 = 0
    public var evaluationSeconds: Double = 0
    /// The rule's labels as the group's and the rule's own combine.
    public var labels: [RuleLabel] = []
    /// Active alerts of an alerting rule, by labels.
    public var alerts: [Alert] = []
    public var state: Alert.State = .inactive
}

/// What the API shows of one group.
public struct RuleGroupStatus: Sendable {
    public var group: RuleGroup
    /// The interval it runs at, nanoseconds.
    public var interval: Int64
    public var rules: [RuleStatus]
    public var lastEvaluation: Int64
    public var evaluationSeconds: Double
}

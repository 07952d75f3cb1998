import LumenModel
import LumenQuery

/// A group of rules from a rule file in Prometheus' format: evaluated together, in order, at one interval.
public struct RuleGroup: Sendable, Equatable {
    /// The file the group came from; together with `name` it identifies the group (as in Prometheus).
    public var file: String
    public var name: String
    /// How often the group is evaluated, in nanoseconds; `nil` takes the server's evaluation interval.
    public var interval: Int64?
    /// The most series one rule of the group may produce (alerts, or recorded series); 0 is no limit.
    public var limit: Int
    /// How far back every evaluation looks (the evaluation time minus this), in nanoseconds; `nil` takes the
    /// server's default.
    public var queryOffset: Int64?
    /// Labels added to every rule's output, overridden by the rule's own labels.
    public var labels: [RuleLabel]
    public var rules: [Rule]
    /// The line of the group's `name`, for messages.
    public var line: Int

    public init(
        file: String, name: String, interval: Int64? = nil, limit: Int = 0, queryOffset: Int64? = nil,
        labels: [RuleLabel] = [], rules: [Rule], line: Int = 0
    ) {
        self.file = file
        self.name = name
        self.interval = interval
        self.limit = limit
        self.queryOffset = queryOffset
        self.labels = labels
        self.rules = rules
        self.line = line
    }
}

/// A label or annotation of a rule, kept in file order; values may hold templates (expanded at evaluation).
public struct RuleLabel: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// One recording or alerting rule.
public struct Rule: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Writes the expression's result as the series named `record`.
        case recording
        /// Turns each result series into an alert named `alert`.
        case alerting
    }

    public var kind: Kind
    /// The recorded metric name or the alert name.
    public var name: String
    /// The expression as written, and parsed. Any expression of the query language that evaluates to an
    /// instant vector (PromQL, metric queries over logs or spans) or a scalar.
    public var expr: String
    public var query: Expr
    /// How long an alert stays pending before it fires, in nanoseconds.
    public var holdDuration: Int64
    /// How long a firing alert keeps firing after its condition stopped being met, in nanoseconds.
    public var keepFiringFor: Int64
    public var labels: [RuleLabel]
    public var annotations: [RuleLabel]
    /// The line of `record:` or `alert:`, for messages.
    public var line: Int

    public init(
        kind: Kind, name: String, expr: String, query: Expr, holdDuration: Int64 = 0, keepFiringFor: Int64 = 0,
        labels: [RuleLabel] = [], annotations: [RuleLabel] = [], line: Int = 0
    ) {
        self.kind = kind
        self.name = name
        self.expr = expr
        self.query = query
        self.holdDuration = holdDuration
        self.keepFiringFor = keepFiringFor
        self.labels = labels
        self.annotations = annotations
        self.line = line
    }
}

import LumenModel

/// One pending or firing alert as an alert list shows it: an entry of Prometheus' `/api/v1/alerts`, which the
/// CLI converts (`lumen alerts`, the `alertlist` panel).
public struct ActiveAlert: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable, Comparable {
        case firing, pending

        /// Firing before pending: the order of importance.
        public static func < (lhs: State, rhs: State) -> Bool { lhs == .firing && rhs == .pending }
    }

    public var name: String
    public var state: State
    /// The alert's labels but `alertname`.
    public var labels: [String: String]
    /// The `summary` annotation, else `description`, if any.
    public var summary: String?
    /// When the alert became active, nanoseconds since the epoch.
    public var activeAt: Int64?
    /// The value of the expression at the last evaluation, as the API writes it.
    public var value: String

    public init(
        name: String, state: State, labels: [String: String], summary: String? = nil, activeAt: Int64? = nil,
        value: String
    ) {
        self.name = name
        self.state = state
        self.labels = labels
        self.summary = summary
        self.activeAt = activeAt
        self.value = value
    }

    /// Firing first, then the longest active, then by name and labels: what needs attention at the top.
    public static func byImportance(_ a: ActiveAlert, _ b: ActiveAlert) -> Bool {
        if a.state != b.state { return a.state < b.state }
        if a.activeAt != b.activeAt { return (a.activeAt ?? .max) < (b.activeAt ?? .max) }
        if a.name != b.name { return a.name < b.name }
        return a.labelText < b.labelText
    }

    /// The labels as `name=value` pairs, sorted by name.
    public var labelText: String {
        labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }

    /// How long the alert has been active at `now`, as `1h2m3s`; empty when unknown.
    public func activeFor(at now: Int64) -> String {
        guard let activeAt, now > activeAt else { return "" }
        let seconds = (now - activeAt) / 1_000_000_000
        return DurationText.format(seconds * 1_000_000_000)
    }
}

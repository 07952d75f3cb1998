import LumenModel

/// What to tell someone whose metric query matched nothing because it names a metric the store does not hold.
///
/// The usual cause is a name as the sender wrote it rather than as it is stored: an OpenTelemetry counter
/// `orders` is stored as `orders_total`, a histogram `request.duration` in seconds as
/// `request_duration_seconds_bucket`, `_sum` and `_count` (`docs/otlp.md`). So the names suggested are those
/// that start with the name asked for (its dots and other invalid characters made `_`, as the store makes
/// them); failing any, the nearest name, for a typo.
public enum MetricNameHint {
    /// The most names listed in one warning; more are counted.
    public static let maxSuggestions = 5

    /// One warning for each of `names` (in order, each once) that is not among `known`, the metric names the
    /// store holds: `no metric is named "orders"; these start with it: orders_total`.
    public static func warnings(for names: [String], known: [String]) -> [String] {
        let knownSet = Set(known)
        var seen = Set<String>()
        return names.compactMap { name in
            guard !knownSet.contains(name), seen.insert(name).inserted else { return nil }
            return warning(for: name, known: known)
        }
    }

    static func warning(for name: String, known: [String]) -> String {
        let missing = "no metric is named \"\(name)\""
        let prefix = LabelName.sanitize(name, allowColons: true)
        let started = known.filter { $0.hasPrefix(prefix) && $0 != name }
            .sorted { ($0.count, $0) < ($1.count, $1) }
        if !started.isEmpty {
            let listed = started.prefix(maxSuggestions).joined(separator: ", ")
            let more = started.count > maxSuggestions ? " and \(started.count - maxSuggestions) more" : ""
            return "\(missing); these start with it: \(listed)\(more)"
        }
        if let nearest = NearestName.suggestion(for: name, among: known) {
            return "\(missing); did you mean \(nearest)?"
        }
        return missing
    }
}

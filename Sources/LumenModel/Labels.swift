/// A label of a metric series.
public struct Label: Hashable, Comparable, Sendable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    public static func < (lhs: Label, rhs: Label) -> Bool { (lhs.name, lhs.value) < (rhs.name, rhs.value) }
}

/// The identity of a metric series: labels sorted by name, names unique, no empty values
/// (as in Prometheus, an empty value means the label is absent). The metric name is the `__name__` label.
public struct Labels: Hashable, Comparable, Sendable, CustomStringConvertible, Sequence {
    public static let metricName = "__name__"

    public private(set) var labels: [Label]
    /// The labels' hash, computed once: a series' labels are looked up in several dictionaries on every write
    /// (the decoder's, the limits', the head's), and hashing every name and value each time showed in profiles.
    /// Equal labels have equal fingerprints; within one process run only (`Hasher` is seeded per process).
    public let fingerprint: Int

    /// Sorts, drops empty values and keeps the last value given for a repeated name.
    public init(_ labels: [Label]) {
        // Hot on ingest: most senders already send labels sorted, unique and non-empty, so check before copying.
        var clean = true
        for index in labels.indices {
            if labels[index].value.isEmpty || (index > 0 && !(labels[index - 1].name < labels[index].name)) {
                clean = false
                break
            }
        }
        if clean {
            self.labels = labels
            fingerprint = Self.fingerprint(of: labels)
            return
        }
        // Stable sort by name keeps the given order among repeats, so the last one given is the one kept.
        var sorted: [Label] = []
        sorted.reserveCapacity(labels.count)
        for label in labels.enumerated().sorted(by: { ($0.element.name, $0.offset) < ($1.element.name, $1.offset) })
            .map(\.element)
        {
            if let last = sorted.last, last.name == label.name { sorted.removeLast() }
            sorted.append(label)
        }
        self.labels = sorted.filter { !$0.value.isEmpty }
        fingerprint = Self.fingerprint(of: self.labels)
    }

    private static func fingerprint(of labels: [Label]) -> Int {
        var hasher = Hasher()
        hasher.combine(labels)
        return hasher.finalize()
    }

    public static func == (lhs: Labels, rhs: Labels) -> Bool {
        lhs.fingerprint == rhs.fingerprint && lhs.labels == rhs.labels
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(fingerprint)
    }

    public init(_ pairs: KeyValuePairs<String, String>) {
        self.init(pairs.map { Label($0.key, $0.value) })
    }

    public subscript(name: String) -> String? {
        labels.first { $0.name == name }?.value
    }

    public var metricName: String? { self[Self.metricName] }
    public var count: Int { labels.count }
    public func makeIterator() -> IndexingIterator<[Label]> { labels.makeIterator() }

    /// `name{a="1", b="2"}`, Prometheus' text form.
    public var description: String {
        let rest = labels.filter { $0.name != Self.metricName }
            .map { "\($0.name)=\"\(Self.escape($0.value))\"" }
            .joined(separator: ", ")
        let name = metricName ?? ""
        return rest.isEmpty && !name.isEmpty ? name : "\(name){\(rest)}"
    }

    public static func < (lhs: Labels, rhs: Labels) -> Bool { lhs.labels.lexicographicallyPrecedes(rhs.labels) }

    private static func escape(_ value: String) -> String {
        value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
            .replacing("\n", with: "\\n")
    }
}

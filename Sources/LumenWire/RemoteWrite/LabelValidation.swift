import LumenModel

/// Prometheus' rules for the labels of a series sent by someone else (remote write): checked, not
/// sanitized, because silently renaming a label would split or merge the sender's series.
enum LabelValidation {
    /// `[a-zA-Z_][a-zA-Z0-9_]*`, Prometheus' classic label name.
    static func isValidLabelName(_ name: String) -> Bool {
        isValid(name, allowColons: false)
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`, Prometheus' classic metric name.
    static func isValidMetricName(_ name: String) -> Bool {
        isValid(name, allowColons: true)
    }

    /// Checks a series' labels and returns them as `Labels`; the reason otherwise.
    static func seriesLabels(_ pairs: [(name: String, value: String)]) -> Result<Labels, LabelError> {
        var labels: [Label] = []
        labels.reserveCapacity(pairs.count)
        var metricName: String?
        // Senders sort names (remote write requires it): strictly increasing names cannot repeat, so the set
        // that finds a repeat is only built for the rare unsorted series.
        var sorted = true
        for (name, value) in pairs {
            guard isValidLabelName(name) else { return .failure(LabelError("invalid label name \"\(name)\"")) }
            if let previous = labels.last, !(previous.name < name) { sorted = false }
            if name == Labels.metricName { metricName = value }
            labels.append(Label(name, value))
        }
        if !sorted {
            var seen = Set<String>()
            if let repeated = labels.first(where: { !seen.insert($0.name).inserted }) {
                return .failure(LabelError("duplicate label name \"\(repeated.name)\""))
            }
        }
        guard let metricName, !metricName.isEmpty else {
            return .failure(LabelError("series has no __name__ label (metric name)"))
        }
        guard isValidMetricName(metricName) else {
            return .failure(LabelError("invalid metric name \"\(metricName)\""))
        }
        return .success(Labels(labels))
    }

    struct LabelError: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    private static func isValid(_ name: String, allowColons: Bool) -> Bool {
        guard let first = name.utf8.first else { return false }
        func letter(_ byte: UInt8) -> Bool {
            (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a) || byte == 0x5f
                || (allowColons && byte == 0x3a)
        }
        guard letter(first) else { return false }
        return name.utf8.allSatisfy { letter($0) || ($0 >= 0x30 && $0 <= 0x39) }
    }
}

import LumenModel

/// A log record's stream labels (its resource folded into labels, and `severity`), as the head groups streams.
/// Records come stream by stream, so the last resource's labels are kept: folding a resource sanitizes every
/// attribute name, which is too slow to repeat on every line.
struct StreamLabels {
    private var resource: Resource?
    private var severity: Severity.Level?
    private var labels: [Label] = []

    mutating func of(_ record: LogRecord) -> [Label] {
        let level = record.severity.level
        if record.resource != resource || level != severity {
            resource = record.resource
            severity = level
            labels = record.resource.labels + [Label("severity", level.name)]
        }
        return labels
    }

    /// A line's series labels: the stream's, then the extracted fields; an extracted field named like a stream
    /// label is renamed `<name>_extracted`, as Loki does, so it can't replace the stream's value — unless
    /// `| label_format` set it. Labels `| drop` removed, or `| keep` left out, are gone. With `levels`, the
    /// stream also carries `level` and `detected_level` (Loki's view).
    mutating func series(_ entry: LogPipeline.Entry, levels: Bool) -> [Label] {
        let all = levels ? Self.withLevels(of(entry.record)) : of(entry.record)
        let isPlain = entry.hidden.isEmpty && entry.kept == nil && entry.replaced.isEmpty
        let stream = isPlain ? all : all.filter { entry.isVisible($0.name) && !entry.replaced.contains($0.name) }
        guard !entry.extracted.isEmpty else { return stream }
        var result = stream
        for field in entry.extracted {
            let collides = !entry.replaced.contains(field.name) && all.contains { $0.name == field.name }
            result.append(collides ? Label(field.name + "_extracted", field.value) : field)
        }
        return result
    }

    /// Stream labels with Loki's `level` and `detected_level` added, from the `severity` label.
    static func withLevels(_ labels: [Label]) -> [Label] {
        guard let severity = labels.first(where: { $0.name == "severity" })?.value else { return labels }
        let name = severity == Severity.Level.unspecified.name ? "unknown" : severity
        return labels + [Label("level", name), Label("detected_level", name)]
    }

    /// A level's name as a label value: Lumen's (`unspecified`), or Loki's (`unknown`) when `loki`.
    static func levelName(_ level: Severity.Level, loki: Bool) -> String {
        loki && level == .unspecified ? "unknown" : level.name
    }
}

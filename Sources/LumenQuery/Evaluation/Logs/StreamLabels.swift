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
    /// label is renamed `<name>_extracted`, as Loki does, so it can't replace the stream's value.
    mutating func series(_ record: LogRecord, extracted: [Label]) -> [Label] {
        let stream = of(record)
        guard !extracted.isEmpty else { return stream }
        var result = stream
        for field in extracted {
            let collides = stream.contains { $0.name == field.name }
            result.append(collides ? Label(field.name + "_extracted", field.value) : field)
        }
        return result
    }
}

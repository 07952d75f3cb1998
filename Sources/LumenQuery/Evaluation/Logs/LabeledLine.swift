import LumenModel

/// A log line as Loki's API answers it: its labels sorted into the three kinds Loki tells apart.
public struct LabeledLine: Sendable, Equatable {
    public var time: Int64
    public var line: String
    /// The stream's labels: the resource's, `severity`, and (for LogQL) `level` and `detected_level`.
    public var stream: Labels
    /// Structured metadata: the record's attributes, and `trace_id`/`span_id` as hex.
    public var metadata: [Label]
    /// What the pipeline's parsers and `| label_format` extracted.
    public var parsed: [Label]

    public init(time: Int64, line: String, stream: Labels, metadata: [Label], parsed: [Label]) {
        self.time = time
        self.line = line
        self.stream = stream
        self.metadata = metadata
        self.parsed = parsed
    }
}

extension LogQuery {
    /// A stored stream's labels as Loki shows them: with `level` and `detected_level` from `severity`.
    public static func levelLabeled(_ stream: Labels) -> Labels {
        Labels(StreamLabels.withLevels(stream.labels))
    }
}

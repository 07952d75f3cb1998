import LumenModel
import LumenQuery

/// Log lines grouped into Loki's `streams` result, in the order the lines come (the query's direction).
///
/// Plainly, a stream is every label of a line (stream labels, structured metadata and parsed labels folded
/// together, a parsed label named like a stream label renamed `<name>_extracted`), and each value is
/// `["<ns>", "<line>"]`. With `categorize-labels`, a stream is its stream labels alone and each value carries
/// the others: `["<ns>", "<line>", {"structuredMetadata": {…}, "parsed": {…}}]` (the object only when either
/// is non-empty, a parsed label named like a stream label again `<name>_extracted`) — how Grafana finds
/// `trace_id` for its trace links.
struct LokiStreams {
    private var order: [Labels] = []
    private var streams: [Labels: [LabeledLine]] = [:]
    let categorize: Bool

    init(_ lines: [LabeledLine], categorize: Bool) {
        self.categorize = categorize
        for line in lines {
            let key = categorize ? line.stream : Self.folded(line)
            if streams[key] == nil { order.append(key) }
            streams[key, default: []].append(line)
        }
    }

    /// The parsed labels as Loki's parsers name them: one named like a stream label is `<name>_extracted`.
    private static func parsed(_ line: LabeledLine) -> [Label] {
        line.parsed.map { line.stream[$0.name] == nil ? $0 : Label($0.name + "_extracted", $0.value) }
    }

    private static func folded(_ line: LabeledLine) -> Labels {
        var labels = Array(line.stream)
        for label in line.metadata + line.parsed {
            if labels.contains(where: { $0.name == label.name }) {
                if line.stream[label.name] != nil {
                    labels.append(Label(label.name + "_extracted", label.value))
                }
            } else {
                labels.append(label)
            }
        }
        return Labels(labels)
    }

    /// The streams' array, followed when categorized by `,"encodingFlags":["categorize-labels"]` (the field Loki
    /// adds beside it, in a query's `data` and in each tail message).
    func write(into writer: inout JSONWriter) {
        writer.array(order) { writer, key in
            writer.raw("{\"stream\":")
            writer.metric(key)
            writer.raw(",\"values\":")
            writer.array(streams[key] ?? []) { writer, line in
                writer.byte("[")
                writer.string(String(line.time))
                writer.byte(",")
                writer.string(line.line)
                if categorize, !line.metadata.isEmpty || !line.parsed.isEmpty {
                    writer.byte(",")
                    var parts: [(String, [Label])] = []
                    if !line.metadata.isEmpty { parts.append(("structuredMetadata", line.metadata)) }
                    if !line.parsed.isEmpty { parts.append(("parsed", Self.parsed(line))) }
                    writer.object(parts) { writer, labels in writer.metric(Labels(labels)) }
                }
                writer.byte("]")
            }
            writer.byte("}")
        }
        if categorize {
            writer.raw(",\"encodingFlags\":[")
            writer.string(LokiRoutes.categorizeLabels)
            writer.byte("]")
        }
    }
}

import LumenModel

/// One tenant's spans in memory, indexed by trace ID so a whole trace is one lookup.
struct SpanHead {
    private(set) var spans: [Span] = []
    private var byTrace: [TraceID: [Int]] = [:]

    /// A span delivered twice (same trace and span ID, as a retrying client does) is stored once.
    mutating func append(_ span: Span, report: inout AppendReport) {
        let existing = byTrace[span.traceID] ?? []
        if existing.contains(where: { spans[$0].spanID == span.spanID }) {
            report.duplicateSpans += 1
            return
        }
        byTrace[span.traceID, default: []].append(spans.count)
        spans.append(span)
        report.spans += 1
    }

    func trace(_ traceID: TraceID) -> [Span] {
        (byTrace[traceID] ?? []).map { spans[$0] }.sorted { $0.startTime < $1.startTime }
    }

    var traceCount: Int { byTrace.count }
}

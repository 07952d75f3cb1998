import LumenModel

/// The spans of one trace arranged for display: depth-first, children by start time, each with its tree
/// prefix and the log records logged inside it.
///
/// Spans whose parent is absent from the trace (not yet arrived, or from a service that never reported)
/// become top-level rows that remember the missing parent; spans caught in a parent cycle, which only
/// corrupt data produces, are placed at the top level too rather than dropped.
struct TraceTree {
    struct Row {
        var span: Span
        var depth: Int
        /// The tree lines before the span's name: `│  ├─ `.
        var prefix: String
        /// The tree lines before the span's log records, continuing the lines of the rows below.
        var logPrefix: String
        var missingParent: SpanID?
        var inCycle: Bool
        var logs: [LogRecord]
    }

    private(set) var rows: [Row] = []
    /// Records without a span ID, or with one that is not in the trace.
    private(set) var unplacedLogs: [LogRecord] = []

    init(spans: [Span], logs: [LogRecord]) {
        var indexByID: [SpanID: Int] = [:]
        for (index, span) in spans.enumerated() where indexByID[span.spanID] == nil {
            indexByID[span.spanID] = index
        }
        var logsBySpan: [SpanID: [LogRecord]] = [:]
        for log in Self.ordered(logs) {
            if let spanID = log.spanID, indexByID[spanID] != nil {
                logsBySpan[spanID, default: []].append(log)
            } else {
                unplacedLogs.append(log)
            }
        }

        var children: [SpanID: [Int]] = [:]
        var roots: [Int] = []
        for (index, span) in spans.enumerated() {
            if let parent = span.parentSpanID, parent != span.spanID, indexByID[parent] != nil {
                children[parent, default: []].append(index)
            } else {
                roots.append(index)
            }
        }
        let byStart = { (a: Int, b: Int) -> Bool in
            (spans[a].startTime, spans[a].spanID, a) < (spans[b].startTime, spans[b].spanID, b)
        }

        var visited = Set<Int>()
        func visit(_ index: Int, depth: Int, ancestors: String, isLast: Bool, inCycle: Bool) {
            guard visited.insert(index).inserted else { return }
            let span = spans[index]
            let kids = (children[span.spanID] ?? []).filter { !visited.contains($0) }.sorted(by: byStart)
            let prefix = depth == 0 ? "" : ancestors + (isLast ? "└─ " : "├─ ")
            let childAncestors = depth == 0 ? "" : ancestors + (isLast ? "   " : "│  ")
            let missing = depth == 0 ? span.parentSpanID.flatMap { indexByID[$0] == nil ? $0 : nil } : nil
            rows.append(Row(
                span: span, depth: depth, prefix: prefix, logPrefix: childAncestors + (kids.isEmpty ? "  " : "│ "),
                missingParent: missing, inCycle: inCycle, logs: logsBySpan[span.spanID] ?? []))
            for (position, kid) in kids.enumerated() {
                visit(kid, depth: depth + 1, ancestors: childAncestors, isLast: position == kids.count - 1,
                      inCycle: false)
            }
        }
        for root in roots.sorted(by: byStart) {
            visit(root, depth: 0, ancestors: "", isLast: true, inCycle: false)
        }
        for index in spans.indices.sorted(by: byStart) where !visited.contains(index) {
            visit(index, depth: 0, ancestors: "", isLast: true, inCycle: true)
        }
    }

    /// Log records by time; records logged at the same instant keep the order they were given in.
    private static func ordered(_ logs: [LogRecord]) -> [LogRecord] {
        logs.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    }
}

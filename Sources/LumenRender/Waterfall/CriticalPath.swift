import LumenModel

/// The spans on a trace's critical path: the chain of work that decided how long the trace took, found the way
/// Jaeger finds it — from the root, repeatedly take the child that finished last before the point reached so
/// far, follow it down, then continue from that child's start.
///
/// Children that ran in parallel with a longer sibling are off the path; a child outliving its parent is
/// clipped to the parent's end. The root is the longest span without a parent in the trace.
enum CriticalPath {
    static func spanIDs(_ spans: [Span]) -> Set<SpanID> {
        let ids = Set(spans.map(\.spanID))
        let children = Dictionary(grouping: spans.filter { $0.parentSpanID.map(ids.contains) ?? false }) {
            $0.parentSpanID!
        }
        guard
            let root = spans.filter({ $0.parentSpanID.map { !ids.contains($0) } ?? true })
                .max(by: { ($0.duration, $1.startTime) < ($1.duration, $0.startTime) })
        else { return [] }
        var path = Set<SpanID>()
        func walk(_ span: Span, until limit: Int64) {
            guard path.insert(span.spanID).inserted else { return }
            var cursor = min(span.endTime, limit)
            let kids = (children[span.spanID] ?? []).sorted { ($0.endTime, $0.startTime) > ($1.endTime, $1.startTime) }
            for kid in kids where min(kid.endTime, span.endTime) <= cursor && kid.startTime < cursor {
                walk(kid, until: cursor)
                cursor = kid.startTime
            }
        }
        walk(root, until: root.endTime)
        return path
    }
}

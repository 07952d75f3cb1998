import LumenEngine
import LumenModel

/// How the calls of a service graph hang together: each call's parent among them (found by trace and span ID)
/// and whether some call names it as its parent. Found by sorting compact keys, a trace's calls then side by
/// side, rather than by hashing a million trace and span IDs twice.
///
/// Calls that share a trace and span ID (one span read twice) stand for each other: a child's parent is the
/// last of them in `calls`, and a child marks them all.
struct CallTree {
    /// For each call, the position in `calls` of its parent, or nil if its parent was not read (or it has none).
    let parents: [Int?]
    /// For each call, whether a call of its trace names its span ID as its parent.
    let hasChildren: [Bool]

    private struct Key: Comparable {
        let trace: TraceID
        let span: UInt64
        let position: Int

        static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.trace, lhs.span, lhs.position) < (rhs.trace, rhs.span, rhs.position)
        }
    }

    init(_ calls: [SpanCallFields]) {
        let keys = calls.indices.map { Key(trace: calls[$0].traceID, span: calls[$0].spanID.value, position: $0) }
            .sorted()
        var parents = [Int?](repeating: nil, count: calls.count)
        var hasChildren = [Bool](repeating: false, count: calls.count)
        var traceStart = 0
        while traceStart < keys.count {
            var traceEnd = traceStart + 1
            while traceEnd < keys.count, keys[traceEnd].trace == keys[traceStart].trace { traceEnd += 1 }
            for key in keys[traceStart..<traceEnd] {
                guard let parentID = calls[key.position].parentSpanID else { continue }
                let named = Self.range(of: parentID.value, in: keys[traceStart..<traceEnd])
                guard !named.isEmpty else { continue }
                parents[key.position] = keys[named.upperBound - 1].position
                for parent in keys[named] { hasChildren[parent.position] = true }
            }
            traceStart = traceEnd
        }
        self.parents = parents
        self.hasChildren = hasChildren
    }

    /// The keys of `trace` (one trace's, sorted) whose span ID is `span`.
    private static func range(of span: UInt64, in trace: ArraySlice<Key>) -> Range<Int> {
        var low = trace.startIndex
        var high = trace.endIndex
        while low < high {
            let middle = (low + high) / 2
            if trace[middle].span < span { low = middle + 1 } else { high = middle }
        }
        var end = low
        while end < trace.endIndex, trace[end].span == span { end += 1 }
        return low..<end
    }
}

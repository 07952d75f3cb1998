import LumenModel

/// The times of one trace's spans as offsets from times nearby, which are much smaller than the times: a span
/// starts soon after its parent starts, and a span with children ends soon after the last of them ends.
///
/// - start: `start − parent's start`, or `start − the trace's start` for a span without a parent in the trace.
///   The trace's first span starts the trace, so it has no start offset.
/// - end: `end − the latest end of its children`, or `end − start` for a span without children.
///
/// Spans are in start order and a parent comes before its children (`parents[row]` is an earlier row or nil).
/// Offsets are zig-zag coded: clocks of different services disagree, so a child may start before its parent.
enum TraceTimes {
    /// The offsets of `spans`' start (all but the first span's) and end times.
    static func offsets(of spans: ArraySlice<Span>, parents: [Int?]) -> (starts: [UInt64], ends: [UInt64]) {
        let first = spans.startIndex
        var starts: [UInt64] = []
        starts.reserveCapacity(spans.count - 1)
        for row in 1..<spans.count {
            let base = spans[first + (parents[row] ?? 0)].startTime
            starts.append(ZigZag.encode(spans[first + row].startTime &- base))
        }
        var lastChildEnd = [Int64?](repeating: nil, count: spans.count)
        for row in 1..<spans.count {
            guard let parent = parents[row] else { continue }
            lastChildEnd[parent] = max(lastChildEnd[parent] ?? .min, spans[first + row].endTime)
        }
        let ends = (0..<spans.count).map { row in
            let span = spans[first + row]
            return ZigZag.encode(span.endTime &- (lastChildEnd[row] ?? span.startTime))
        }
        return (starts, ends)
    }

    /// The start and end times from the offsets `offsets` wrote; `startOffset(row)` for rows from 1,
    /// `endOffset(row)` for every row.
    static func times(
        traceStart: Int64, parents: [Int?], startOffset: (Int) -> UInt64, endOffset: (Int) -> UInt64
    ) -> (starts: [Int64], ends: [Int64]) {
        var starts = [traceStart]
        starts.reserveCapacity(parents.count)
        for row in parents.indices.dropFirst() {
            starts.append(starts[parents[row] ?? 0] &+ ZigZag.decode(startOffset(row)))
        }
        // Children come after their parent: going backwards, a span's children have their ends when it is reached.
        var ends = [Int64](repeating: 0, count: parents.count)
        var lastChildEnd = [Int64?](repeating: nil, count: parents.count)
        for row in parents.indices.reversed() {
            ends[row] = (lastChildEnd[row] ?? starts[row]) &+ ZigZag.decode(endOffset(row))
            if let parent = parents[row] { lastChildEnd[parent] = max(lastChildEnd[parent] ?? .min, ends[row]) }
        }
        return (starts, ends)
    }
}

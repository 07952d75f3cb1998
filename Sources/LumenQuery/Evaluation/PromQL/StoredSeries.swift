import LumenModel

/// A series as read for one query, over every window any step may look at.
struct StoredSeries {
    /// Its labels' id in the query's `LabelSets`.
    let id: Int
    let samples: [Sample]
    /// `samples` without stale markers, which range windows leave out: the same array when there are none.
    let live: [Sample]
    /// No live sample is below the one before it: a counter that never reset, the common case, whose windows
    /// `rate` need not search for resets.
    let neverDecreases: Bool

    init(id: Int, samples: [Sample]) {
        self.id = id
        self.samples = samples
        live = samples.contains(where: \.isStaleMarker) ? samples.filter { !$0.isStaleMarker } : samples
        neverDecreases = zip(live, live.dropFirst()).allSatisfy { !($1.value < $0.value) }
    }

    /// The newest sample at or before `time`, stale markers included.
    func newest(atOrBefore time: Int64) -> Sample? {
        let index = Self.firstIndex(samples, after: time)
        return index > 0 ? samples[index - 1] : nil
    }

    /// The live samples in `(end − range, end]`, or `nil` when there are none.
    func window(_ range: Int64, endingAt end: Int64) -> StepValue.Window? {
        let upper = Self.firstIndex(live, after: end)
        let lower = Self.firstIndex(live, after: end - range)
        return lower < upper ? self.window(lower..<upper) : nil
    }

    /// The live samples at `indices`.
    func window(_ indices: Range<Int>) -> StepValue.Window {
        StepValue.Window(series: id, samples: live[indices], neverDecreases: neverDecreases)
    }

    /// The first index whose timestamp is after `time`.
    private static func firstIndex(_ samples: [Sample], after time: Int64) -> Int {
        var low = 0
        var high = samples.count
        while low < high {
            let mid = (low + high) / 2
            if samples[mid].timestamp <= time { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

import LumenModel

/// One tenant's metric series in memory: samples per series sorted by time, and postings to find series.
struct MetricHead {
    struct Series {
        let labels: Labels
        /// In time order. One array of pairs rather than two of fields: an append touches one array's header
        /// and end, and with a thousand series written in turn those are cache misses.
        var samples: [Sample] = []
        /// In time order; at most `maxExemplarsPerSeries`, the oldest dropped first.
        var exemplars: [Exemplar] = []
    }

    /// Exemplars kept per series: a histogram scraped every 15 s with one exemplar a bucket fills this in two
    /// hours, the head's usual span. Prometheus keeps a ring of 100k exemplars across all series instead; a
    /// per-series bound keeps one noisy series from evicting every other series' exemplars.
    static let maxExemplarsPerSeries = 512

    private(set) var series: [Series] = []
    private var idByLabels: [Labels: Int] = [:]
    private var postings = Postings()
    private(set) var sampleCount = 0
    /// The newest sample time stored, `.min` without samples: kept as samples arrive, so asking costs nothing.
    private(set) var newestTimestamp = Int64.min

    /// Adds a batch's series; a repeated timestamp keeps the value first stored (an exact repeat is a retry, a
    /// different value a conflict) and is reported in `conflicts`.
    mutating func append(_ batch: [TimeSeries], report: inout AppendReport) {
        let ids = batch.map { seriesID(for: $0.labels) }
        // Where each series' samples end, read in a loop of its own. With a thousand series written in turn
        // every such read misses the cache; here the processor overlaps the misses, where the appends would
        // wait on each in turn.
        let newest = series.withUnsafeBufferPointer { all in ids.map { all[$0].samples.last?.timestamp ?? .min } }
        // A series twice in one batch (no decoder builds one) moves its own newest time: such a batch is
        // appended with the times read as it goes.
        let unique = Set(ids).count == ids.count
        for index in batch.indices {
            append(batch[index], id: ids[index], newest: unique ? newest[index] : nil, report: &report)
        }
    }

    /// - Parameter newest: the series' newest stored time, when the caller has read it already.
    private mutating func append(_ timeSeries: TimeSeries, id: Int, newest: Int64?, report: inout AppendReport) {
        let samples = timeSeries.samples
        // One in-place access to the series for the whole run: going through `series[id]` per step would copy
        // the entry (retaining its arrays) each time.
        let appended = series.withUnsafeMutableBufferPointer { all in
            Self.appendInOrder(samples, after: newest ?? all[id].samples.last?.timestamp ?? .min, to: &all[id])
        }
        if appended {
            sampleCount += samples.count
            report.samples += samples.count
        } else {
            insert(samples, into: id, report: &report)
        }
        if let last = series[id].samples.last { newestTimestamp = max(newestTimestamp, last.timestamp) }
        if !timeSeries.exemplars.isEmpty { appendExemplars(timeSeries.exemplars, to: id, report: &report) }
    }

    /// Appends `samples` whole if they are in order and after `newest`, the newest time `entry` holds, as a
    /// scraper or remote writer sends them; returns false, changing nothing, otherwise.
    private static func appendInOrder(_ samples: [Sample], after newest: Int64, to entry: inout Series) -> Bool {
        guard let first = samples.first, first.timestamp > newest else { return false }
        for index in samples.indices.dropFirst() where samples[index - 1].timestamp >= samples[index].timestamp {
            return false
        }
        entry.samples.append(contentsOf: samples)
        return true
    }

    /// Samples in any order: each inserted at its place, a repeated timestamp kept once.
    private mutating func insert(_ samples: [Sample], into id: Int, report: inout AppendReport) {
        for sample in samples {
            // Mutating through `series[id]` in place keeps the arrays uniquely referenced: no copies.
            let index = Self.insertionIndex(series[id].samples, sample.timestamp)
            if index < series[id].samples.count, series[id].samples[index].timestamp == sample.timestamp {
                if series[id].samples[index] == sample {
                    report.duplicateSamples += 1
                } else {
                    report.conflictingSamples += 1
                }
                continue
            }
            series[id].samples.insert(sample, at: index)
            sampleCount += 1
            report.samples += 1
        }
    }

    private mutating func appendExemplars(_ exemplars: [Exemplar], to id: Int, report: inout AppendReport) {
        for exemplar in exemplars {
            var index = series[id].exemplars.count
            while index > 0, series[id].exemplars[index - 1].timestamp > exemplar.timestamp { index -= 1 }
            if index > 0, series[id].exemplars[index - 1] == exemplar { continue }  // a retry
            series[id].exemplars.insert(exemplar, at: index)
            report.exemplars += 1
            if series[id].exemplars.count > Self.maxExemplarsPerSeries { series[id].exemplars.removeFirst() }
        }
    }

    func contains(_ labels: Labels) -> Bool { idByLabels[labels] != nil }

    /// The series' newest sample time, or nil if the head holds no samples of it.
    func newest(of labels: Labels) -> Int64? { idByLabels[labels].flatMap { series[$0].samples.last?.timestamp } }

    private mutating func seriesID(for labels: Labels) -> Int {
        if let id = idByLabels[labels] { return id }
        let id = series.count
        series.append(Series(labels: labels))
        idByLabels[labels] = id
        postings.add(id: id, labels: labels)
        return id
    }

    /// Series selected by the matchers with their samples in `[from, to]`; series with none there are left out.
    func select(_ matchers: [LabelMatcher], from: Int64, to: Int64) -> [TimeSeries] {
        postings.select(matchers).compactMap { id in
            let entry = series[id]
            let lower = Self.insertionIndex(entry.samples, from)
            var upper = Self.insertionIndex(entry.samples, to)
            if upper < entry.samples.count, entry.samples[upper].timestamp == to { upper += 1 }
            guard lower < upper else { return nil }
            return TimeSeries(labels: entry.labels, samples: Array(entry.samples[lower..<upper]))
        }
    }

    /// Exemplars of the series selected by the matchers in `[from, to]`, as series without samples.
    func exemplars(_ matchers: [LabelMatcher], from: Int64, to: Int64) -> [TimeSeries] {
        postings.select(matchers).compactMap { id in
            let kept = series[id].exemplars.filter { $0.timestamp >= from && $0.timestamp <= to }
            return kept.isEmpty ? nil : TimeSeries(labels: series[id].labels, samples: [], exemplars: kept)
        }
    }

    func labelNames() -> [String] { postings.labelNames }
    func labelValues(_ name: String) -> [String] { postings.labelValues(name) }

    /// The first index whose timestamp is not below `timestamp`.
    static func insertionIndex(_ samples: [Sample], _ timestamp: Int64) -> Int {
        if let last = samples.last, last.timestamp < timestamp { return samples.count }
        var low = 0
        var high = samples.count
        while low < high {
            let mid = (low + high) / 2
            if samples[mid].timestamp < timestamp { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

import LumenModel

/// One tenant's metric series in memory: samples per series sorted by time, and postings to find series.
struct MetricHead {
    struct Series {
        let labels: Labels
        var timestamps: [Int64] = []
        var values: [Double] = []
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

    /// Adds samples; a repeated timestamp keeps the value first stored (an exact repeat is a retry, a different
    /// value a conflict) and is reported in `conflicts`.
    mutating func append(_ timeSeries: TimeSeries, report: inout AppendReport) {
        let id = seriesID(for: timeSeries.labels)
        let samples = timeSeries.samples
        if let first = samples.first, first.timestamp > series[id].timestamps.last ?? .min,
            zip(samples, samples.dropFirst()).allSatisfy({ $0.timestamp < $1.timestamp })
        {
            // In order and after what is stored, as a scraper or remote writer sends: appended whole, through
            // one in-place access to the series rather than one per sample.
            series.withUnsafeMutableBufferPointer { all in
                all[id].timestamps.append(contentsOf: samples.lazy.map(\.timestamp))
                all[id].values.append(contentsOf: samples.lazy.map(\.value))
            }
            sampleCount += samples.count
            report.samples += samples.count
        } else {
            insert(samples, into: id, report: &report)
        }
        if let last = series[id].timestamps.last { newestTimestamp = max(newestTimestamp, last) }
        appendExemplars(timeSeries.exemplars, to: id, report: &report)
    }

    /// Samples in any order: each inserted at its place, a repeated timestamp kept once.
    private mutating func insert(_ samples: [Sample], into id: Int, report: inout AppendReport) {
        for sample in samples {
            // Mutating through `series[id]` in place keeps the arrays uniquely referenced: no copies.
            let index = Self.insertionIndex(series[id].timestamps, sample.timestamp)
            if index < series[id].timestamps.count, series[id].timestamps[index] == sample.timestamp {
                if series[id].values[index].bitPattern == sample.value.bitPattern {
                    report.duplicateSamples += 1
                } else {
                    report.conflictingSamples += 1
                }
                continue
            }
            series[id].timestamps.insert(sample.timestamp, at: index)
            series[id].values.insert(sample.value, at: index)
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
        postings.select(matchers, count: series.count).compactMap { id in
            let entry = series[id]
            let lower = Self.insertionIndex(entry.timestamps, from)
            var upper = Self.insertionIndex(entry.timestamps, to)
            if upper < entry.timestamps.count, entry.timestamps[upper] == to { upper += 1 }
            guard lower < upper else { return nil }
            let samples = (lower..<upper).map { Sample(timestamp: entry.timestamps[$0], value: entry.values[$0]) }
            return TimeSeries(labels: entry.labels, samples: samples)
        }
    }

    /// Exemplars of the series selected by the matchers in `[from, to]`, as series without samples.
    func exemplars(_ matchers: [LabelMatcher], from: Int64, to: Int64) -> [TimeSeries] {
        postings.select(matchers, count: series.count).compactMap { id in
            let kept = series[id].exemplars.filter { (from...to).contains($0.timestamp) }
            return kept.isEmpty ? nil : TimeSeries(labels: series[id].labels, samples: [], exemplars: kept)
        }
    }

    func labelNames() -> [String] { postings.names }
    func labelValues(_ name: String) -> [String] { postings.values(of: name) }

    /// The first index whose timestamp is not below `timestamp`.
    static func insertionIndex(_ timestamps: [Int64], _ timestamp: Int64) -> Int {
        if let last = timestamps.last, last < timestamp { return timestamps.count }
        var low = 0
        var high = timestamps.count
        while low < high {
            let mid = (low + high) / 2
            if timestamps[mid] < timestamp { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

import LumenModel

/// Metric reads: series selected in every source, the same series' samples merged by time.
extension Querier {
    public func series(_ request: ReadRequest) throws(ReadLimitExceeded) -> [TimeSeries] {
        guard request.from <= request.to else { return [] }
        var parts: [Labels: [SourceSeries]] = [:]
        for source in readSources(request).metrics {
            for series in answer({ () throws(BlockError) in try source.series(request) }) ?? [] {
                if case .overLimit = series.samples { throw ReadLimitExceeded(limit: request.limit) }
                parts[series.labels, default: []].append(series)
            }
        }
        let selected = parts
        // Decoded a batch of series at a time, on every core, so that a read over its limit stops early.
        let labels = parts.keys.sorted()
        var found: [TimeSeries] = []
        var samples = 0
        for start in stride(from: 0, to: labels.count, by: Self.seriesPerBatch) {
            let batch = labels[start..<min(start + Self.seriesPerBatch, labels.count)]
            let decoded = Array(batch).concurrentMap { labels in
                var damaged: [BlockError] = []
                let samples = merged(selected[labels]!, damaged: &damaged)
                return (TimeSeries(labels: labels, samples: samples), damaged)
            }
            // Reported here, on the read's thread, where its `ReadScope` is bound.
            for damage in decoded.lazy.flatMap(\.1) { readFailed(damage) }
            for series in decoded.lazy.map(\.0) where !series.samples.isEmpty {
                samples += series.samples.count
                guard samples <= request.limit else { throw ReadLimitExceeded(limit: request.limit) }
                found.append(series)
            }
        }
        return found
    }

    public func exemplars(_ request: ReadRequest) -> [TimeSeries] {
        var parts: [Labels: [Exemplar]] = [:]
        for source in readSources(request).exemplars {
            for series in answer({ () throws(BlockError) in try source.exemplars(request) { readFailed($0) } }) ?? [] {
                parts[series.labels, default: []] += series.exemplars
            }
        }
        // A retried exemplar may sit in a block and in the head (or in two blocks): keep one of each.
        return parts.map { labels, exemplars in
            var seen = Set<Exemplar>()
            let unique = exemplars.sorted { $0.timestamp < $1.timestamp }.filter { seen.insert($0).inserted }
            return TimeSeries(labels: labels, samples: [], exemplars: unique)
        }.sorted { $0.labels < $1.labels }
    }

    public func metricLabelNames(_ request: ReadRequest) -> [String] {
        union(readSources(request).metrics.map { $0.labelNames(request) })
    }

    public func metricLabelValues(_ name: String, _ request: ReadRequest) -> [String] {
        union(readSources(request).metrics.map { $0.labelValues(name, request) })
    }

    /// Series decoded per batch between checks of the sample limit.
    private static var seriesPerBatch: Int { 512 }

    /// One series' samples from each source that holds it (oldest source first), in time order; where two hold
    /// the same timestamp, the first value written (the oldest source's) stays. A damaged chunk, or a part that
    /// fails to decode, is left out and added to `damaged`.
    private func merged(_ parts: [SourceSeries], damaged: inout [BlockError]) -> [Sample] {
        var found: [BlockError] = []
        func decode(_ part: SourceSeries) -> [Sample] {
            do throws(BlockError) {
                return try part.decode { found.append($0) }
            } catch {
                found.append(error)
                return []
            }
        }
        defer { damaged += found }
        if parts.count == 1 { return decode(parts[0]) }
        return parts.flatMap(decode).sortedUnique()
    }
}

extension Array where Element == Sample {
    /// The samples in time order, the first of each timestamp kept (a stable sort keeps their order here): how
    /// reads merge sources and compaction merges blocks.
    func sortedUnique() -> [Sample] {
        // Strictly increasing already (one source, or sources without overlap): nothing to do, nothing to copy.
        if zip(self, dropFirst()).allSatisfy({ $0.timestamp < $1.timestamp }) { return self }
        let sorted = enumerated().sorted { ($0.element.timestamp, $0.offset) < ($1.element.timestamp, $1.offset) }
            .map(\.element)
        var result: [Sample] = []
        result.reserveCapacity(sorted.count)
        for sample in sorted where result.last?.timestamp != sample.timestamp { result.append(sample) }
        return result
    }
}

import LumenModel

/// The time bounds of what the store accepts: nothing more than the future window ahead of the clock, and no
/// sample further behind its series' newest than the out-of-order window. Both are enforced before the log, so
/// what they refuse is never stored, and one client's clock cannot block another's writes.
extension Storage {
    /// Removes samples, exemplars, log records and spans (by start time) more than `futureWindow` ahead of
    /// the clock, counting them in `report`. A cluster's collectors apply it before publishing, so their clients hear
    /// of it as a single node's do.
    public func dropTooNew(_ batch: inout Batch, report: inout AppendReport) {
        let latestAccepted = latestAcceptedTime
        let tooNew: (Int64) -> Bool = { $0 > latestAccepted }
        // Looked for before removing, as removing copies arrays shared with the caller's batch.
        if batch.series.contains(where: {
            $0.samples.contains { tooNew($0.timestamp) } || $0.exemplars.contains { tooNew($0.timestamp) }
        }) {
            for index in batch.series.indices {
                report.tooNewSamples += batch.series[index].samples.count
                batch.series[index].samples.removeAll { tooNew($0.timestamp) }
                report.tooNewSamples -= batch.series[index].samples.count
                report.tooNewExemplars += batch.series[index].exemplars.count
                batch.series[index].exemplars.removeAll { tooNew($0.timestamp) }
                report.tooNewExemplars -= batch.series[index].exemplars.count
            }
            batch.series.removeAll { $0.samples.isEmpty && $0.exemplars.isEmpty }
        }
        if batch.logs.contains(where: { tooNew($0.time) }) {
            report.tooNewLogs += batch.logs.count
            batch.logs.removeAll { tooNew($0.time) }
            report.tooNewLogs -= batch.logs.count
        }
        if batch.spans.contains(where: { tooNew($0.startTime) }) {
            report.tooNewSpans += batch.spans.count
            batch.spans.removeAll { tooNew($0.startTime) }
            report.tooNewSpans -= batch.spans.count
        }
    }

    /// The newest time accepted now: the clock plus the future window (saturating: the window is configured).
    var latestAcceptedTime: Int64 {
        let (sum, overflow) = Timestamp.now().addingReportingOverflow(options.futureWindow)
        return overflow ? .max : sum
    }

    /// Removes samples (and exemplars) older than the out-of-order window behind their series' newest sample —
    /// in the head, or in this batch — and advances the tenant's newest sample. A series the head holds no
    /// samples of trails the tenant's newest instead. Returns how many of each were removed.
    func dropTooOld(_ batch: inout Batch) -> (samples: Int, exemplars: Int) {
        var newestInBatch = Int64.min
        for series in batch.series {
            for sample in series.samples { newestInBatch = max(newestInBatch, sample.timestamp) }
        }
        let (tenantNewest, head) = state.withLock { state -> (Int64, Head) in
            let newest = max(state.newestSample[batch.tenant] ?? .min, newestInBatch)
            state.newestSample[batch.tenant] = newest
            return (newest, state.head)
        }
        var dropped = (samples: 0, exemplars: 0)
        // Without samples yet (exemplars alone set no window), or so far back the window passes the first time,
        // nothing is too old.
        guard tenantNewest > Int64.min + options.outOfOrderWindow else { return dropped }
        // No series' window starts later than the tenant's, so a batch within the tenant's window is kept
        // whole without looking up a single series: the usual, in-order case.
        let tenantOldest = tenantNewest - options.outOfOrderWindow
        let behind = batch.series.indices.filter { index in
            batch.series[index].samples.contains { $0.timestamp < tenantOldest }
                || batch.series[index].exemplars.contains { $0.timestamp < tenantOldest }
        }
        guard !behind.isEmpty else { return dropped }
        let headNewest = head.newestSamples(batch.tenant, of: behind.map { batch.series[$0].labels })
        for (index, newestInHead) in zip(behind, headNewest) {
            let newestOfSeries = batch.series[index].samples.lazy.map(\.timestamp).max() ?? .min
            let newest = newestInHead.map { max($0, newestOfSeries) } ?? tenantNewest
            guard newest > Int64.min + options.outOfOrderWindow else { continue }
            let oldestAccepted = newest - options.outOfOrderWindow
            let samples = batch.series[index].samples.count
            batch.series[index].samples.removeAll { $0.timestamp < oldestAccepted }
            dropped.samples += samples - batch.series[index].samples.count
            let exemplars = batch.series[index].exemplars.count
            batch.series[index].exemplars.removeAll { $0.timestamp < oldestAccepted }
            dropped.exemplars += exemplars - batch.series[index].exemplars.count
        }
        if dropped != (0, 0) { batch.series.removeAll { $0.samples.isEmpty && $0.exemplars.isEmpty } }
        return dropped
    }
}

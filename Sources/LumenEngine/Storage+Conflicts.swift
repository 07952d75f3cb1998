import LumenModel

extension Storage {
    /// Removes the batch's samples that a block, or the head being cut, already holds for the same series and
    /// time: the head refuses such samples itself, but only among its own. An exact repeat is a client's retry
    /// (a duplicate); another value is a conflict, refused as Prometheus refuses it. Returns how many of each.
    ///
    /// Only samples at or before the newest time those older sources hold are looked up, so in-order writes
    /// pay nothing. A cut that starts between this check and the log append can still let one conflict
    /// through; reads then keep the value written first.
    func dropHeldInOlderSources(_ batch: inout Batch) -> (duplicates: Int, conflicts: Int) {
        let (cutting, blocks) = state.withLock { state in
            (state.cutting?.head, state.blocks.filter { $0.tenant == batch.tenant && $0.meta.metrics != nil })
        }
        let boundary = max(
            blocks.lazy.map(\.meta.maxTime).max() ?? .min, cutting?.newestSample(batch.tenant) ?? .min)
        var dropped = (duplicates: 0, conflicts: 0)
        guard boundary != .min else { return dropped }
        for index in batch.series.indices {
            let old = batch.series[index].samples.lazy.map(\.timestamp).filter { $0 <= boundary }
            guard let from = old.min(), let to = old.max() else { continue }
            let held = heldValues(
                of: batch.series[index].labels, tenant: batch.tenant, from: from, to: to, in: cutting, blocks)
            guard !held.isEmpty else { continue }
            batch.series[index].samples.removeAll { sample in
                guard let bits = held[sample.timestamp] else { return false }
                if bits == sample.value.bitPattern { dropped.duplicates += 1 } else { dropped.conflicts += 1 }
                return true
            }
        }
        if dropped != (0, 0) { batch.series.removeAll { $0.samples.isEmpty && $0.exemplars.isEmpty } }
        return dropped
    }

    /// The value bits the older sources hold for exactly this series in `[from, to]`, by timestamp.
    private func heldValues(
        of labels: Labels, tenant: Tenant, from: Int64, to: Int64, in cutting: Head?, _ blocks: [Block]
    ) -> [Int64: UInt64] {
        // `=` matchers never fail to build. Series with more labels match too; the comparison below keeps this one.
        let matchers = labels.compactMap { try? LabelMatcher($0.name, .equal, $0.value) }
        var found = cutting?.series(tenant, matching: matchers, from: from, to: to) ?? []
        for block in blocks where block.overlaps(from, to) {
            found += (try? block.metrics?.series(matching: matchers, from: from, to: to)) ?? []
        }
        var held: [Int64: UInt64] = [:]
        for series in found where series.labels == labels {
            for sample in series.samples where held[sample.timestamp] == nil {
                held[sample.timestamp] = sample.value.bitPattern
            }
        }
        return held
    }
}

import LumenEngine

/// Compaction of a partition's shared flushes (docs/cluster.md, "Blocks in shared storage"): its owner merges a
/// run of consecutive committed flushes on the path into one flush `<first of run>-<last of run>-e<its epoch>-<ULID>`
/// holding one merged block per tenant (`BlockMerge`: what two blocks hold alike is kept once, so a batch a
/// publisher retried across an ownership change, applied by both owners, is left once), then removes the sources.
///
/// The merged flush starts where its run starts, reaches as far, and carries an epoch at least its sources' (the
/// owner's, which claimed the flushed sequence over all of theirs) and a longer range, so the path takes it over
/// them (`SharedFlush.chain`) from the moment it is renamed into place: a crash before or while the sources are
/// removed leaves them off the path, and the next maintenance removes them as stale.
enum SharedCompaction {
    /// The oldest run of consecutive flushes of `path` (committed, oldest first) of one level (merged as often)
    /// whose data spans at most `options.compactionSpan` and that counts at least `options.compactionMinBlocks`
    /// flushes (and two); empty when there is none. One level at a time, so that each datum is rewritten about
    /// log_min(span / flush interval) times, not once per merge as a run growing from its oldest flush would: with
    /// 5-minute flushes, 4 per run and a 24 h span, flushes of 5 min become 20 min, 80 min, 5 h 20 min, then 21 h.
    /// A flush in `keptApart` (found damaged) ends a run: merging it would drop its damaged page for good.
    static func run(_ path: [OpenedFlush], options: StorageOptions, keptApart: Set<SharedFlush> = []) -> [OpenedFlush] {
        let enough = max(2, options.compactionMinBlocks)
        var run: [OpenedFlush] = []
        var low = Int64.max
        var high = Int64.min
        for flush in path {
            let (newLow, newHigh) = (min(low, flush.minTime), max(high, flush.maxTime))
            let ends = keptApart.contains(flush.flush)
                || !run.isEmpty && (flush.level != run[0].level
                    || newHigh.subtractingReportingOverflow(newLow).partialValue > options.compactionSpan)
            if ends {
                if run.count >= enough { return run }
                (run, low, high) = ([], .max, .min)
                if keptApart.contains(flush.flush) { continue }
            }
            run.append(flush)
            (low, high) = (min(low, flush.minTime), max(high, flush.maxTime))
        }
        return run.count >= enough ? run : []
    }

    /// Writes the run's blocks, merged per tenant, as the partition's flush of the run's range under `epoch`,
    /// durably and whole (`BlockSet`). The sources stay; the caller removes them once it knows it still owns the
    /// partition.
    static func write(
        _ run: [OpenedFlush], partition: Int, epoch: UInt64, into store: SharedBlockStore
    ) throws -> SharedFlush {
        let merged = SharedFlush(
            first: run[0].flush.first, last: run[run.count - 1].flush.last, epoch: epoch,
            id: BlockID.generate().description)
        let byTenant = Dictionary(grouping: run.flatMap(\.blocks), by: \.meta.tenant)
        try BlockSet.write(to: store.path(of: merged, partition: partition)) { directory throws(BlockError) in
            for tenant in byTenant.keys.sorted() {
                _ = try BlockMerge.write(byTenant[tenant]!.sorted { $0.meta.minTime < $1.meta.minTime }, into: directory)
            }
        }
        return merged
    }
}

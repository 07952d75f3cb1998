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
    /// The next run of consecutive committed flushes of `path` (oldest first) to merge (`CompactionRun`); a flush
    /// in `keptApart` (found damaged) ends a run.
    static func run(_ path: [OpenedFlush], options: StorageOptions, keptApart: Set<SharedFlush> = []) -> [OpenedFlush] {
        CompactionRun.oldest(
            path, options: options, minTime: \.minTime, maxTime: \.maxTime, level: \.level,
            keptApart: { keptApart.contains($0.flush) })
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

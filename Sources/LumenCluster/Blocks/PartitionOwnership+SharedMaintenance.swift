import LumenModel

extension PartitionOwnership {
    /// One maintenance step (`SharedMaintenance`) for each partition held with a partition store, fenced by its
    /// lease and its flushed record's epoch. What its thread runs every flush interval. Blocks.
    public func maintainSharedFlushes(now: Int64 = Timestamp.now()) {
        guard let maintenance, let sequences = flushing?.sequences else { return }
        for (partition, epoch) in storedPartitions.sorted(by: { $0.key < $1.key }) {
            do {
                try maintenance.maintain(partition: partition, epoch: epoch, now: now) { [self] in
                    guard mayApply(partition, epoch: epoch), let record = try sequences.record(ofPartition: partition),
                        record.epoch == epoch, mayApply(partition, epoch: epoch)
                    else { return nil }
                    return record.sequence
                }
            } catch {
                metrics.sharedMaintenanceFailed()
                logger.warning("cluster: maintaining partition \(partition)'s shared flushes failed: \(error)")
            }
        }
    }
}

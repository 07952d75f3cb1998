import Foundation
import Logging
import LumenEngine
import LumenModel
import Synchronization

/// An owner's upkeep of its partitions' flushes in the shared block store (docs/cluster.md, "Blocks in shared
/// storage"), on a thread of its own so that a merge taking seconds never holds up applying: for each partition
/// held with a partition store, one step at a time —
/// 1. **stale flushes**: flushes off the path that the path covers (a stale owner's late write, a merged
///    flush's sources a crash left, what lies below the retained start) are removed;
/// 2. **retention** (`SharedRetention`): the oldest committed flushes whose data is all older than
///    `StorageOptions.retention` are deleted, after the new start is recorded;
/// 3. **compaction** (`SharedCompaction`): the oldest run of committed flushes of one level that fits the
///    compaction span is merged into one flush, then its sources are removed.
///
/// Fencing: every step first asks `fence`, which answers the partition's committed flushed sequence while this
/// node holds the lease and the flushed record still carries its epoch, nil once not; nothing is removed without
/// a fresh yes. A stale owner that passed its last check before a newer owner claimed the partition acts on a
/// listing the newer owner then sees, since the newer one lists only after claiming; a merged flush written
/// after the newer claim is removed again, its sources left (docs/cluster.md walks through the windows).
/// Nothing at or after the first uncommitted flush is touched.
///
/// Thread-safe: one step runs at a time.
public final class SharedMaintenance: Sendable {
    /// What one step did to a partition's flushes.
    struct Outcome: Equatable {
        var stale: [SharedFlush] = []
        var expired: [SharedFlush] = []
        var merged: SharedFlush?
        var sources: [SharedFlush] = []
    }

    let store: SharedBlockStore
    let options: StorageOptions
    let metrics: ClusterMetrics
    let logger: Logger
    /// The flushes found damaged, kept out of compaction; held for a whole step, so that one runs at a time.
    private let keptApart = Mutex<Set<SharedFlush>>([])
    private let ticks = Mutex<TickingThread?>(nil)

    init(store: SharedBlockStore, options: StorageOptions, metrics: ClusterMetrics, logger: Logger) {
        self.store = store
        self.options = options
        self.metrics = metrics
        self.logger = logger
    }

    /// Runs `each` (the owner's pass over its partitions) every `interval` until `stop`.
    func start(every interval: Duration, _ each: @escaping @Sendable () -> Void) {
        let thread = TickingThread(name: "lumen-shared-maintenance", interval: interval, tick: each)
        ticks.withLock { $0 = thread }
        thread.start()
    }

    /// Ends the loop, waiting for the step in progress. Blocks.
    func stop() { _ = ticks.withLock { $0 }?.stop() }

    /// One step for `partition`, owned under `epoch`, at `now` (nanoseconds). Blocks (file I/O, `fence`).
    @discardableResult
    func maintain(partition: Int, epoch: UInt64, now: Int64, fence: () throws -> UInt64?) throws -> Outcome {
        try keptApart.withLock { keptApart in
            try maintain(partition: partition, epoch: epoch, now: now, keptApart: &keptApart, fence: fence)
        }
    }

    private func maintain(
        partition: Int, epoch: UInt64, now: Int64, keptApart: inout Set<SharedFlush>, fence: () throws -> UInt64?
    ) throws -> Outcome {
        var outcome = Outcome()
        guard let flushed = try fence() else { return outcome }
        let start = try store.retainedStart(of: partition)
        let all = try store.flushes(of: partition)
        let path = SharedFlush.chain(all, from: start)
        let end = path.last?.last ?? start - 1
        guard end >= flushed else {
            // Never expected (the committed data forms a path): touch nothing rather than remove what is off it.
            logger.error("cluster: partition \(partition)'s shared flushes reach \(end), short of its flushed sequence \(flushed); left as they are")
            return outcome
        }

        // The path covers start...flushed, so what is off it below that is held by the path already.
        let onPath = Set(path)
        let stale = all.filter { !onPath.contains($0) && ($0.last < start || $0.last <= flushed) }
        if !stale.isEmpty {
            guard try fence() != nil else { return outcome }
            try remove(stale, partition: partition, reason: "stale")
            outcome.stale = stale
        }

        var committed = try path.prefix { $0.last <= flushed }.map { try OpenedFlush($0, in: store, partition: partition) }
        let cutoff = now.subtractingReportingOverflow(options.retention).partialValue
        let expired = SharedRetention.expired(committed, before: cutoff)
        if let newest = expired.last {
            guard try fence() != nil else { return outcome }
            try store.markRetained(from: newest.flush.last + 1, partition: partition)
            try remove(expired.map(\.flush), partition: partition, reason: "retention")
            outcome.expired = expired.map(\.flush)
            committed.removeFirst(expired.count)
        }

        let run = SharedCompaction.run(committed, options: options, keptApart: keptApart)
        guard !run.isEmpty, let merged = try merge(run, partition: partition, epoch: epoch, keptApart: &keptApart)
        else { return outcome }
        guard try fence() != nil else {
            try store.remove(merged, partition: partition)  // written after a newer owner claimed: not ours to add
            return outcome
        }
        try remove(run.map(\.flush), partition: partition, reason: "compacted")
        metrics.sharedCompaction()  // after its sources' removals, so a scrape never sees a merge without them
        (outcome.merged, outcome.sources) = (merged, run.map(\.flush))
        logger.info("cluster: compacted partition \(partition)'s shared flushes", metadata: [
            "merged": "\(merged.name)", "sources": "\(run.count)",
        ])
        return outcome
    }

    /// The run merged (`SharedCompaction.write`); nil when one of its blocks is damaged, which is then kept out of
    /// compaction: merging it would drop the damaged page for good, while kept it still serves the rest.
    private func merge(
        _ run: [OpenedFlush], partition: Int, epoch: UInt64, keptApart: inout Set<SharedFlush>
    ) throws -> SharedFlush? {
        do {
            return try SharedCompaction.write(run, partition: partition, epoch: epoch, into: store)
        } catch let error as BlockError where error.code == .corrupt {
            let block = error.location?.block
            guard let damaged = run.first(where: { $0.blocks.contains { $0.meta.id == block } }) else { throw error }
            keptApart.insert(damaged.flush)
            logger.error("cluster: a damaged shared block is left out of compaction; its readable data is still served",
                metadata: ["partition": "\(partition)", "flush": "\(damaged.flush.name)", "error": "\(error)"])
            return nil
        }
    }

    private func remove(_ flushes: [SharedFlush], partition: Int, reason: String) throws {
        for flush in flushes.sorted(by: { $0.first < $1.first }) {
            let path = store.path(of: flush, partition: partition)
            let blocks = (try? BlockSet.names(in: path))?.filter { BlockID($0) != nil }.count ?? 0
            try store.remove(flush, partition: partition)
            metrics.sharedFlushRemoved(reason: reason, blocks: blocks)
        }
    }
}

import Foundation
import Logging
import LumenEngine
import LumenModel
import Synchronization

/// A storage node's side of the lease protocol (`Lease`), on a thread of its own: every tick it announces itself
/// in the nodes bucket, computes who should own each partition (`Rendezvous` over the live storage nodes),
/// renews the leases it holds, gives up those another node should have, and acquires the free ones it should
/// have — starting a `PartitionApplier` of the new epoch for each, and stopping it when the lease ends.
///
/// Without a shared block store, every partition is applied to the node's one store and a new owner starts after
/// the highest sequence it applied itself, so data a previous owner applied stays in that owner's store. With one
/// (`flushing`), each partition has a store of its own (`PartitionStore`) that resumes after the partition's
/// flushed sequence (or what this node applied on top of it), is flushed to the shared store, and is read only
/// while the partition is held.
public final class PartitionOwnership: Sendable {
    public static let nodeKeyPrefix = "n."

    let node: String
    let layout: StreamLayout
    let jetStream: JetStream
    let leases: KeyValueBucket
    let nodes: KeyValueBucket
    let storage: Storage
    let appliedDirectory: String
    let flushing: PartitionFlushing?
    /// With a shared block store: the upkeep of the held partitions' flushes there.
    let maintenance: SharedMaintenance?
    /// The tenants' limits on stored state, claimed cluster-wide (`UsageLedger`); nil: not enforced.
    let ledger: UsageLedger?
    /// Whether the node has memory to apply more (`PartitionApplier`'s `mayFetch`).
    let mayFetch: @Sendable () -> Bool
    let logger: Logger
    let clock: @Sendable () -> ContinuousClock.Instant
    let ttl: Duration
    let metrics: ClusterMetrics
    /// What the node announces as `n.<node>`: its API URL, where query nodes send reads (`ReadOwners`); the word
    /// `storage` when it has none (a node that answers no reads from others, as before fan-out).
    let announcement: [UInt8]

    private struct Held {
        var lease: Lease
        var applier: PartitionApplier
        /// What the applier recorded as applied (the partition store's, with a shared block store): closed once the
        /// applier has stopped.
        var applied: AppliedBatches
        var store: PartitionStore?
        /// Set while the partition is given up (`giveUp`): its applier's last flush, under a lease still renewed.
        var givingUpSince: ContinuousClock.Instant?
    }

    /// How long a partition given up may take to flush before its lease is released anyway (the next owner then
    /// re-applies the unflushed tail from the stream).
    var giveUpBound: Duration { ttl }
    /// Set by `stop`: every partition is given up, none acquired, the node no longer announced.
    private let leaving = Atomic<Bool>(false)

    private let held = Mutex<[Int: Held]>([:])
    private let ticks = Mutex<TickingThread?>(nil)
    private let liveNodes = Mutex<[String]>([])
    /// Partitions whose applier is still stopping (then its applied record and store are closed): not acquired again
    /// until it has, so two appliers never write one partition's record or store at once.
    private let closing = Mutex<Set<Int>>([])

    public init(
        node: String, layout: StreamLayout, jetStream: JetStream, leases: KeyValueBucket, nodes: KeyValueBucket,
        leaseTTL: Duration, storage: Storage, appliedDirectory: String, flushing: PartitionFlushing? = nil,
        advertiseURL: String? = nil, ledger: UsageLedger? = nil, mayFetch: @escaping @Sendable () -> Bool = { true },
        logger: Logger, metrics: ClusterMetrics = ClusterMetrics(),
        clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.mayFetch = mayFetch
        self.metrics = metrics
        self.ledger = ledger
        announcement = Array((advertiseURL ?? "storage").utf8)
        self.node = node
        self.layout = layout
        self.jetStream = jetStream
        self.leases = leases
        self.nodes = nodes
        self.ttl = leaseTTL
        self.storage = storage
        self.appliedDirectory = appliedDirectory
        self.flushing = flushing
        maintenance = flushing.map {
            SharedMaintenance(store: $0.blocks, options: $0.options, metrics: metrics, logger: logger)
        }
        self.logger = logger
        self.clock = clock
    }

    public func start() {
        let thread = TickingThread(name: "lumen-ownership", interval: ttl / 6) { [self] in tick() }
        ticks.withLock { $0 = thread }
        thread.start()
        if let flushing {
            maintenance?.start(every: flushing.maintenanceInterval ?? flushing.flushInterval) { [weak self] in
                self?.maintainSharedFlushes()
            }
        }
    }

    /// Gives every partition up (with a shared block store and `flushing`, each flushed first, for at most
    /// `giveUpBound`, while ticks still renew its lease), then stops the loop and every applier and releases what
    /// is left, so others take over at once. Without `flushing` the unflushed tails stay behind, as after a crash
    /// (tests). Blocks.
    public func stop(flushing: Bool = true) {
        guard let thread = ticks.withLock({ $0 }) else { return }
        if flushing, !leaving.exchange(true, ordering: .sequentiallyConsistent) {
            try? nodes.delete(Self.nodeKeyPrefix + node)  // the others' rendezvous moves every partition away
            for partition in held.withLock({ Array($0.keys) }) { giveUp(partition) }
            let deadline = clock() + giveUpBound + .seconds(1)
            while !held.withLock({ $0.isEmpty }) && clock() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        }
        guard thread.stop() else { return }
        maintenance?.stop()
        let appliers = held.withLock { $0.values.map(\.applier) }
        for partition in held.withLock({ Array($0.keys) }) { release(partition) }
        for applier in appliers { applier.stop() }
        while !closing.withLock({ $0.isEmpty }) { Thread.sleep(forTimeInterval: 0.01) }  // the appliers' stopping
        try? nodes.delete(Self.nodeKeyPrefix + node)
    }

    /// The stores of the partitions held now (with a shared block store; none without): what this node serves
    /// of its partitions besides its own store.
    public var heldStores: [Storage] {
        held.withLock { $0.values.compactMap { $0.store?.storage } }
    }

    /// What the heads of `heldStores` hold (`Storage.headBytes`), summed: counted against the node's memory ceiling
    /// with its own store's.
    public var heldHeadBytes: (held: Int, cutting: Int) {
        heldStores.map(\.headBytes).reduce((0, 0)) { ($0.held + $1.held, $0.cutting + $1.cutting) }
    }

    /// The partitions held with a partition store (with a shared block store), by their epochs.
    var storedPartitions: [Int: UInt64] {
        held.withLock { $0.compactMapValues { $0.store == nil ? nil : $0.lease.epoch } }
    }

    /// The storage nodes alive at the last tick.
    public var storageNodes: [String] { liveNodes.withLock { $0 } }

    /// The partitions this node holds, with their appliers' progress.
    public var heldPartitions: [Int: (epoch: UInt64, progress: PartitionApplier.Progress)] {
        held.withLock { $0.mapValues { ($0.lease.epoch ?? 0, $0.applier.progress) } }
    }

    /// Whether this node may apply `partition` now (its lease is held and fresh) — with `epoch`, under that epoch
    /// only, so an applier of an earlier lease never passes for one of the partition's later leases here.
    func mayApply(_ partition: Int, epoch: UInt64? = nil) -> Bool {
        let now = clock()
        return held.withLock { held in
            guard let lease = held[partition]?.lease, epoch == nil || lease.epoch == epoch else { return false }
            return lease.isValid(at: now)
        }
    }

    func tick() {
        let leaving = leaving.load(ordering: .sequentiallyConsistent)
        do {
            if !leaving { try nodes.put(Self.nodeKeyPrefix + node, value: announcement) }
            let live = leaving ? [] : try nodes.keys().filter { $0.hasPrefix(Self.nodeKeyPrefix) }
                .map { String($0.dropFirst(Self.nodeKeyPrefix.count)) }.sorted()
            liveNodes.withLock { $0 = live }
            // Renewals first: acquiring opens a partition's store (with a block store), which may take a while,
            // and no held lease may wait for that. Acquisitions stop for this tick past a twelfth of the TTL.
            var wanted: [Int] = []
            for partition in 0..<layout.partitions {
                let ours = !leaving && Rendezvous.owner(of: partition, among: live) == node
                switch held.withLock({ $0[partition].map(\.givingUpSince) }) {
                case .some(.some(let since)):
                    clock() - since < giveUpBound ? renew(partition) : release(partition)
                case .some(.none):
                    // A lapsed lease is dropped (`renew`), not given up: there is nothing left to flush under it.
                    ours || !mayApply(partition) ? renew(partition) : giveUp(partition)
                case .none:
                    if ours { wanted.append(partition) }
                }
            }
            let started = clock()
            for partition in wanted where clock() - started < ttl / 12 { acquire(partition) }
        } catch {
            logger.warning("cluster: ownership round failed: \(error)")
            // Leases still age: stop what can no longer be renewed.
            for partition in held.withLock({ Array($0.keys) }) where !mayApply(partition) {
                drop(partition, reason: "expired")
            }
        }
        recordProgress()
        refreshClaims()
    }

    /// The held partitions' progress, for `/metrics`.
    private func recordProgress() {
        let current = heldPartitions
        let flushed = held.withLock { $0.compactMapValues { $0.store?.flushedSequence } }
        metrics.partitionsHeld(current.count)
        for (partition, held) in current {
            metrics.partitionProgress(
                partition, applied: held.progress.appliedSequence, lag: held.progress.pending,
                flushed: flushed[partition])
        }
    }

    private func acquire(_ partition: Int) {
        if closing.withLock({ $0.contains(partition) }) { return }  // its last applier is stopping: next tick
        let key = OwnershipRecord.key(ofPartition: partition)
        let sentAt = clock()
        guard let revision = try? leases.create(key, value: OwnershipRecord(node: node, epoch: 0).bytes) else {
            return  // held by another node (it gives it up, or its key expires): poll again next tick
        }
        var lease = Lease(ttl: ttl)
        lease.acquired(revision: revision, sentAt: sentAt)
        // Write the epoch into the record, so readers need not know how it was chosen.
        if let renewed = try? leases.update(
            key, value: OwnershipRecord(node: node, epoch: revision).bytes, expectedRevision: revision)
        {
            lease.renewed(revision: renewed, sentAt: sentAt)
        }
        do {
            let mayApply: @Sendable () -> Bool = { [weak self] in self?.mayApply(partition, epoch: revision) ?? false }
            let applier: PartitionApplier
            let applied: AppliedBatches
            var store: PartitionStore?
            if let flushing {
                guard let opened = try flushing.open(partition: partition, epoch: revision, logger: logger) else {
                    logger.warning("cluster: partition \(partition)'s flushed sequence has a newer epoch than \(revision)")
                    try? leases.delete(key)
                    return
                }
                store = opened
                applied = opened.applied
                applier = PartitionApplier(
                    partition: partition, epoch: revision, layout: layout, jetStream: jetStream,
                    storage: opened.storage, applied: opened.applied, startAfter: opened.startAfter, logger: logger,
                    flush: { through, now in
                        now
                            ? try opened.flush(appliedThrough: through, mayApply: mayApply)
                            : try opened.flushIfDue(appliedThrough: through, mayApply: mayApply)
                    }, limiter: limiter(), mayFetch: mayFetch, mayApply: mayApply)
            } else {
                applied = try AppliedBatches(directory: appliedDirectory, partition: partition)
                applier = PartitionApplier(
                    partition: partition, epoch: revision, layout: layout, jetStream: jetStream, storage: storage,
                    applied: applied, logger: logger, limiter: limiter(), mayFetch: mayFetch, mayApply: mayApply)
            }
            held.withLock { $0[partition] = Held(lease: lease, applier: applier, applied: applied, store: store) }
            applier.start()
            metrics.leaseAcquired("partition")
            logger.info("cluster: acquired partition \(partition), epoch \(revision)")
        } catch {
            logger.error("cluster: cannot open partition \(partition)'s applied state: \(error)")
            try? leases.delete(key)
        }
    }

    private func renew(_ partition: Int) {
        guard let current = held.withLock({ $0[partition] }) else { return }
        let now = clock()
        let action = current.lease.action(at: now)
        if case .stop = action {
            drop(partition, reason: "expired")
            return
        }
        // An applier that stopped (on an error, e.g. a consumer NATS could not create while electing a stream
        // leader, or fenced): let the partition be acquired afresh, with a new applier — on a tick that renews the
        // lease too, as almost every tick does.
        if current.applier.progress.state == .failed || current.applier.progress.state == .fenced {
            release(partition, reason: "failed")
            return
        }
        switch action {
        case .none, .stop:
            break
        case .renew(let revision):
            let epoch = current.lease.epoch ?? revision
            do {
                if let renewed = try leases.update(
                    OwnershipRecord.key(ofPartition: partition),
                    value: OwnershipRecord(node: node, epoch: epoch).bytes, expectedRevision: revision)
                {
                    held.withLock { $0[partition]?.lease.renewed(revision: renewed, sentAt: now) }
                } else {
                    logger.warning("cluster: lost the lease of partition \(partition) (epoch \(epoch))")
                    drop(partition, reason: "lost")
                }
            } catch {
                logger.warning("cluster: renewing partition \(partition) failed: \(error)")
            }
        }
    }

    /// Stops applying and forgets the lease, without touching the key (it is someone else's, or expiring).
    private func drop(_ partition: Int, reason: String) {
        guard let current = held.withLock({ $0.removeValue(forKey: partition) }) else { return }
        stopApplying(current)
        metrics.leaseEnded("partition", reason: reason)
        metrics.partitionLeft(partition)
    }

    /// Asks the applier to stop, without waiting; its applied record (and partition store) are closed once it has,
    /// on a thread of its own, and the partition is not acquired again before: an applier of the next lease starts
    /// from the record as the last one left it.
    private func stopApplying(_ current: Held) {
        current.applier.requestStop()
        let partition = current.applier.partition
        closing.withLock { _ = $0.insert(partition) }
        let thread = Thread { [self] in
            current.applier.stop()
            if let store = current.store {
                store.close()
            } else {
                try? current.applied.close()
            }
            closing.withLock { _ = $0.remove(partition) }
        }
        thread.name = "lumen-close-p\(partition)"
        thread.start()
    }

    /// Gives a partition up: with a shared block store its applier flushes what it applied and stops while ticks
    /// keep renewing the lease (at most `giveUpBound`), and only then is the lease released, so the next owner
    /// resumes from the shared blocks rather than re-applying the unflushed tail from the stream. Without one, the
    /// lease is released at once (`release`).
    private func giveUp(_ partition: Int) {
        guard flushing != nil else { return release(partition) }
        let now = clock()
        let current = held.withLock { held -> Held? in
            guard held[partition]?.givingUpSince == nil else { return nil }
            held[partition]?.givingUpSince = now
            return held[partition]
        }
        guard let current else { return }
        current.applier.requestStop(flushingFirst: true)
        let thread = Thread { [self] in
            current.applier.stop()
            release(partition, epoch: current.lease.epoch)
        }
        thread.name = "lumen-give-up-p\(partition)"
        thread.start()
    }

    /// Flushes every held partition's store to the shared block store now, each on its applier's thread, all at
    /// once, waiting at most `timeout` (`POST /api/v1/admin/flush`). Nothing without a shared block store. A
    /// partition given up meanwhile is skipped (its give-up flushes it). Blocks.
    public func flushHeld(timeout: Duration) throws {
        let deadline = clock() + timeout
        let requests = held.withLock { $0.values.filter { $0.givingUpSince == nil }.map { $0.applier.requestFlush() } }
        var failures: [String] = []
        for request in requests {
            do {
                try request.wait(until: deadline)
            } catch PartitionApplier.FlushError.notApplying {
                continue
            } catch {
                failures.append("partition \(request.partition): \(error)")
            }
        }
        if !failures.isEmpty { throw PartitionFlushFailure(failures: failures.sorted()) }
    }

    /// Stops applying, then deletes the key so the partition's rightful owner acquires it at once. With `epoch`,
    /// only while the partition is still held under that epoch.
    private func release(_ partition: Int, reason: String = "released", epoch: UInt64? = nil) {
        // Not waited for: one tick gives up many partitions, and waiting for each fetch would starve the renewals.
        // Once the partition is out of `held`, its applier neither appends nor acknowledges.
        guard let current = held.withLock({ held in
            epoch == nil || held[partition]?.lease.epoch == epoch ? held.removeValue(forKey: partition) : nil
        }) else { return }
        stopApplying(current)
        metrics.leaseEnded("partition", reason: reason)
        metrics.partitionLeft(partition)
        let key = OwnershipRecord.key(ofPartition: partition)
        // Only while it is still ours: a compare-and-swap would be exact, a get first is close enough here since
        // the holder itself is the only writer of its key.
        if let entry = try? leases.get(key), OwnershipRecord(bytes: entry.value)?.node == node {
            try? leases.delete(key)
        }
        logger.info("cluster: released partition \(partition)")
    }
}

/// Partitions `flushHeld` could not flush, each with why.
public struct PartitionFlushFailure: Error, CustomStringConvertible {
    public let failures: [String]
    public var description: String { "not flushed: " + failures.joined(separator: "; ") }
}

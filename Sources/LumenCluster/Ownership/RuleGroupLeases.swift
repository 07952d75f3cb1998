import Foundation
import Logging
import Synchronization

/// Which node of a cluster evaluates each rule group: one lease per group, in the same Key-Value bucket as the
/// partitions' leases and with the same protocol (`Lease`), so exactly one node evaluates a group at a time and
/// alerts are sent once.
///
/// Every node that runs rules announces itself (`r.<node>` in the nodes bucket) and registers the groups it loads
/// (`mayEvaluate` does, on first call). A thread ticks every `ttl / 6`: it spreads the groups over the live rule
/// nodes by rendezvous hashing (a group's key is `PartitionHash` of its file and name), renews the leases this
/// node should hold, gives up the others, and acquires the free ones it should hold. A node that stops gives its
/// leases up; one that dies loses them when its keys expire, after `ttl`, and the groups move on.
///
/// A node that gains a group starts with no alert state: the rule manager restores `for` progress from
/// `ALERTS_FOR_STATE`, as after a restart (docs/cluster.md).
public final class RuleGroupLeases: Sendable {
    public static let nodeKeyPrefix = "r."

    let node: String
    let leases: KeyValueBucket
    let nodes: KeyValueBucket
    let ttl: Duration
    let logger: Logger
    let metrics: ClusterMetrics
    let clock: @Sendable () -> ContinuousClock.Instant

    private struct Group: Sendable {
        var key: String
        var slot: Int
        var lease = Lease(ttl: .seconds(1))
    }

    private let groups = Mutex<[String: Group]>([:])
    private let ticks = Mutex<TickingThread?>(nil)

    public init(
        node: String, leases: KeyValueBucket, nodes: KeyValueBucket, ttl: Duration, logger: Logger,
        metrics: ClusterMetrics = ClusterMetrics(), clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.metrics = metrics
        self.node = node
        self.leases = leases
        self.nodes = nodes
        self.ttl = ttl
        self.logger = logger
        self.clock = clock
    }

    /// The lease key of a group: `g.` and 16 hex digits of the hash of its file and name (KV keys cannot hold
    /// every character a file name or group name may).
    public static func key(file: String, group: String) -> String {
        var hash = PartitionHash()
        hash.combine(file)
        hash.combine(group)
        return "g." + String(hash.value, radix: 16).leftPadded(to: 16)
    }

    /// The rendezvous slot of a lease key: of the live nodes, `Rendezvous.owner(of:among:)` of it should hold it.
    static func slot(of key: String) -> Int {
        var hash = PartitionHash()
        hash.combine(key)
        return Int(truncatingIfNeeded: hash.value & 0x7FFF_FFFF)
    }

    /// Whether this node may evaluate the group now: it holds the group's lease and renewed it less than `ttl / 2`
    /// ago. The first call registers the group, so the next ticks compete for it. A `RuleManager` gate.
    public func mayEvaluate(file: String, group: String) -> Bool {
        let key = Self.key(file: file, group: group)
        let now = clock()
        return groups.withLock { groups in
            guard let entry = groups[key] else {
                groups[key] = Group(key: key, slot: Self.slot(of: key), lease: Lease(ttl: ttl))
                return false
            }
            return entry.lease.isValid(at: now)
        }
    }

    /// The groups (lease keys) this node holds now.
    public var heldGroups: Set<String> {
        let now = clock()
        return groups.withLock { Set($0.values.filter { $0.lease.isValid(at: now) }.map(\.key)) }
    }

    public func start() {
        let thread = TickingThread(name: "lumen-rule-leases", interval: ttl / 6) { [self] in tick() }
        ticks.withLock { $0 = thread }
        thread.start()
    }

    /// Stops the loop and gives every lease up, so other nodes take the groups over at once. Blocks.
    public func stop() {
        guard let thread = ticks.withLock({ $0 }), thread.stop() else { return }
        for key in groups.withLock({ Array($0.keys) }) { release(key) }
        try? nodes.delete(Self.nodeKeyPrefix + node)
    }

    func tick() {
        let live: [String]
        do {
            try nodes.put(Self.nodeKeyPrefix + node, value: Array("rules".utf8))
            live = try nodes.keys().filter { $0.hasPrefix(Self.nodeKeyPrefix) }
                .map { String($0.dropFirst(Self.nodeKeyPrefix.count)) }.sorted()
        } catch {
            logger.warning("cluster: rule lease round failed: \(error)")
            return  // leases age on their own: `mayEvaluate` turns false once one is too old
        }
        for (key, slot) in groups.withLock({ $0.values.map { ($0.key, $0.slot) } }) {
            let wanted = Rendezvous.owner(of: slot, among: live) == node
            let held = groups.withLock { $0[key]?.lease.epoch != nil }
            if held {
                wanted ? renew(key) : release(key)
            } else if wanted {
                acquire(key)
            }
        }
    }

    private func acquire(_ key: String) {
        let sentAt = clock()
        guard let revision = try? leases.create(key, value: OwnershipRecord(node: node, epoch: 0).bytes) else {
            return  // another node holds it until it gives it up or its key expires
        }
        groups.withLock { $0[key]?.lease.acquired(revision: revision, sentAt: sentAt) }
        metrics.leaseAcquired("rule_group")
        logger.info("cluster: evaluating rule group \(key) from now on")
    }

    private func renew(_ key: String) {
        let now = clock()
        guard let lease = groups.withLock({ $0[key]?.lease }) else { return }
        switch lease.action(at: now) {
        case .none:
            return
        case .stop:
            groups.withLock { $0[key]?.lease.lost() }
            metrics.leaseEnded("rule_group", reason: "expired")
        case .renew(let revision):
            do {
                if let renewed = try leases.update(
                    key, value: OwnershipRecord(node: node, epoch: lease.epoch ?? revision).bytes,
                    expectedRevision: revision)
                {
                    groups.withLock { $0[key]?.lease.renewed(revision: renewed, sentAt: now) }
                } else {
                    logger.warning("cluster: lost the lease of rule group \(key)")
                    groups.withLock { $0[key]?.lease.lost() }
                    metrics.leaseEnded("rule_group", reason: "lost")
                }
            } catch {
                logger.warning("cluster: renewing rule group \(key) failed: \(error)")
            }
        }
    }

    /// Gives the lease up and deletes the key while it is still this node's, so the group's new node takes it at once.
    private func release(_ key: String) {
        let wasHeld = groups.withLock { groups -> Bool in
            let held = groups[key]?.lease.epoch != nil
            groups[key]?.lease.lost()
            return held
        }
        guard wasHeld else { return }
        metrics.leaseEnded("rule_group", reason: "released")
        if let entry = try? leases.get(key), OwnershipRecord(bytes: entry.value)?.node == node {
            try? leases.delete(key)
        }
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}

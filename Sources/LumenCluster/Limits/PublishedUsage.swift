import LumenModel
import Synchronization

/// A collector's view of every tenant's cluster-wide usage: the sum of the live storage nodes' claims in
/// `lumen-usage` (`UsageRecord`), read every `interval` on a thread of its own, so the ingest path reads memory
/// only. It trails the claims by at most `interval` (plus the view's own delivery): what the edge can know, not
/// what the owners enforce.
public final class PublishedUsage: Sendable {
    private let usage: KeyValueBucket
    private let nodes: KeyValueBucket
    private let interval: Duration
    private let totals = Mutex<[Tenant: TenantUsage]?>(nil)
    private let thread = Mutex<TickingThread?>(nil)

    public init(usage: KeyValueBucket, nodes: KeyValueBucket, interval: Duration) {
        self.usage = usage
        self.nodes = nodes
        self.interval = interval
    }

    /// Starts reading, at once and then every `interval`, on a thread of its own.
    public func start() {
        let ticking = TickingThread(name: "lumen-usage", interval: interval) { [weak self] in self?.refresh() }
        thread.withLock { $0 = ticking }
        ticking.start()
    }

    /// Stops the reading thread. Blocks.
    public func stop() { _ = thread.withLock { $0 }?.stop() }

    /// Reads the claims now; on a failure the last totals stay, and the next tick tries again. Blocks.
    func refresh() {
        guard let read = try? Self.read(usage: usage, nodes: nodes) else { return }
        totals.withLock { $0 = read }
    }

    /// The tenant's usage as last read; nil before the first read.
    public func usage(of tenant: Tenant) -> TenantUsage? {
        totals.withLock { $0.map { $0[tenant] ?? .zero } }
    }

    /// Every tenant's claims, summed over the storage nodes alive now. Blocks.
    static func read(usage: KeyValueBucket, nodes: KeyValueBucket) throws(NATSError) -> [Tenant: TenantUsage] {
        let live = Set(try nodes.keys().filter { $0.hasPrefix(PartitionOwnership.nodeKeyPrefix) }
            .map { String($0.dropFirst(PartitionOwnership.nodeKeyPrefix.count)) })
        var totals: [Tenant: TenantUsage] = [:]
        for entry in try usage.entries() where entry.key.hasPrefix(UsageRecord.keyPrefix) {
            guard let record = UsageRecord(bytes: entry.value), let tenant = Tenant(record.tenant) else { continue }
            totals[tenant] = record.total(among: live)
        }
        return totals
    }
}

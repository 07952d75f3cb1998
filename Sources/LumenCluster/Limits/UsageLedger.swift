import LumenModel
import Synchronization

/// A storage node's claims on its tenants' limits of stored state (docs/cluster.md, "Limits and tenants"). Before
/// an applier appends series or log streams new to its store, it asks `admit`: the node reads the tenant's
/// `UsageRecord`, grants as many as fit under the limit beside the other live storage nodes' claims and what it
/// holds itself, and writes its raised claim by compare-and-swap. So admissions on several nodes at once are
/// ordered by the record, and the live nodes' claims together never pass the limit. A claim is lowered again at the
/// lease tick once the node holds less (`refresh`: its heads flushed, a partition moved away).
///
/// Contract: `admit` and `refresh` block (KV requests): call them on appliers' and the lease loop's threads. This
/// node's claims are made one at a time — appliers of several partitions share a tenant's claim — and each is
/// computed from what the node holds plus what it admitted and has not appended yet (`settle` ends that).
public final class UsageLedger: Sendable {
    public static let bucketName = "lumen-usage"

    let node: String
    let bucket: KeyValueBucket
    let limits: @Sendable (Tenant) -> ActiveLimits

    private struct State {
        /// Granted by `admit`, not appended yet.
        var pending: [Tenant: TenantUsage] = [:]
        /// This node's claim in each tenant's record, as it last wrote it.
        var claimed: [Tenant: TenantUsage] = [:]
        /// Whether the claims this node wrote before a restart have been read back.
        var loaded = false
    }

    /// Held across the KV requests of a claim, so this node's claims are made one at a time.
    private let state = Mutex(State())

    public init(node: String, bucket: KeyValueBucket, limits: @escaping @Sendable (Tenant) -> ActiveLimits) {
        self.node = node
        self.bucket = bucket
        self.limits = limits
    }

    /// How many of `wanted` new series and streams of `tenant` this node may append now, claimed in the tenant's
    /// record first. The caller appends at most that many, then calls `settle` with the grant.
    /// - Parameters:
    ///   - live: the live storage nodes (whose claims count).
    ///   - held: what this node holds of the tenant now, over all its stores.
    public func admit(
        _ tenant: Tenant, wanted: TenantUsage, live: Set<String>, held: () -> TenantUsage
    ) throws(NATSError) -> TenantUsage {
        guard wanted != .zero else { return .zero }
        let limit = limits(tenant)
        let key = UsageRecord.key(of: tenant)
        return try state.withLock { state throws(NATSError) -> TenantUsage in
            while true {
                let entry = try bucket.get(key)
                var record = entry.flatMap { UsageRecord(bytes: $0.value) } ?? UsageRecord(tenant: tenant.id)
                let mine = held() + (state.pending[tenant] ?? .zero)
                let granted = limit.room(for: wanted, beside: record.total(among: live, excluding: node) + mine)
                guard granted != .zero else { return .zero }
                record.nodes[node] = mine + granted
                guard try write(record, key: key, over: entry) else { continue }  // another node claimed meanwhile
                state.pending[tenant] = (state.pending[tenant] ?? .zero) + granted
                state.claimed[tenant] = mine + granted
                return granted
            }
        }
    }

    /// What `admit` granted is appended (or failed to be): it is counted in what the node holds from now on.
    public func settle(_ tenant: Tenant, _ granted: TenantUsage) {
        guard granted != .zero else { return }
        state.withLock { state in
            let left = (state.pending[tenant] ?? .zero) - granted
            state.pending[tenant] = left == .zero ? nil : left
        }
    }

    /// Rewrites this node's claim of each tenant whose claim no longer matches what the node holds: lowered once
    /// its heads were flushed or a partition moved away, so the others may admit again; raised by what a restart
    /// replayed. The first call takes up the claims this node wrote before a restart. At each lease tick.
    public func refresh(held: (Tenant) -> TenantUsage) throws(NATSError) {
        if !state.withLock({ $0.loaded }) {
            var claims: [Tenant: TenantUsage] = [:]
            for entry in try bucket.entries() where entry.key.hasPrefix(UsageRecord.keyPrefix) {
                guard let record = UsageRecord(bytes: entry.value), let tenant = Tenant(record.tenant),
                    let claim = record.nodes[node]
                else { continue }
                claims[tenant] = claim
            }
            state.withLock { state in
                state.claimed.merge(claims) { current, _ in current }
                state.loaded = true
            }
        }
        for tenant in state.withLock({ Array($0.claimed.keys) }) {
            try state.withLock { state throws(NATSError) in
                let mine = held(tenant) + (state.pending[tenant] ?? .zero)
                guard mine != state.claimed[tenant] else { return }
                let key = UsageRecord.key(of: tenant)
                while true {
                    let entry = try bucket.get(key)
                    var record = entry.flatMap { UsageRecord(bytes: $0.value) } ?? UsageRecord(tenant: tenant.id)
                    record.nodes[node] = mine == .zero ? nil : mine
                    if try write(record, key: key, over: entry) { break }
                }
                state.claimed[tenant] = mine == .zero ? nil : mine
            }
        }
    }

    /// Writes `record` if the key is still as `entry` found it (absent when nil); whether it was.
    private func write(_ record: UsageRecord, key: String, over entry: KeyValueEntry?) throws(NATSError) -> Bool {
        if let entry { return try bucket.update(key, value: record.bytes, expectedRevision: entry.revision) != nil }
        return try bucket.create(key, value: record.bytes) != nil
    }
}

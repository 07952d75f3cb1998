import LumenModel

extension PartitionOwnership {
    /// What this node holds of `tenant` now: the series and log streams in the heads of its store and of the
    /// partition stores it holds.
    func heldUsage(_ tenant: Tenant) -> TenantUsage {
        ([storage] + heldStores).reduce(TenantUsage.zero) { sum, store in
            sum + TenantUsage(series: store.head.seriesCount(tenant), streams: store.head.logStreamCount(tenant))
        }
    }

    /// The limiter an applier of this node enforces the tenants' limits with; nil without a ledger.
    func limiter() -> TenantLimiter? {
        guard let ledger else { return nil }
        return TenantLimiter(
            ledger: ledger, metrics: metrics, live: { [weak self] in Set(self?.storageNodes ?? []) },
            held: { [weak self] in self?.heldUsage($0) ?? .zero })
    }

    /// Brings this node's claims in line with what it holds (`UsageLedger.refresh`), at each tick.
    func refreshClaims() {
        do {
            try ledger?.refresh(held: heldUsage)
        } catch {
            logger.warning("cluster: refreshing this node's usage claims failed: \(error)")
        }
    }
}

import CoreMetrics

extension ClusterMetrics {
    /// Items a partition's owner discarded before its store (a tenant's limit) or its store dropped (too old, too new,
    /// a conflict, a repeat): the single node's `lumen_ingest_rejected_total`, with `protocol="cluster"`.
    func discarded(_ count: Int, signal: String, reason: String) {
        guard count > 0 else { return }
        Counter(
            label: "lumen_ingest_rejected_total",
            dimensions: [("protocol", "cluster"), ("signal", signal), ("reason", reason)], factory: factory
        ).increment(by: count)
    }
}

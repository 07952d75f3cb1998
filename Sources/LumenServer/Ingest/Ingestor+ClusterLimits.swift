import LumenCluster
import LumenModel

extension Ingestor {
    /// What a cluster's collector can tell a client of the limits on stored state: only the tenant's cluster-wide
    /// usage as the storage nodes last claimed it (`PublishedUsage`), not which of a batch's series or streams are
    /// new — their partitions' owners know that, and discard the new ones past the limit after JetStream has
    /// acknowledged them. So a batch of a tenant at its limit is published whole and answered with a warning in the
    /// single node's words (OTLP: `partial_success` with nothing rejected; other protocols have no warnings).
    func clusterUsageWarnings(_ batch: Batch, limits: IngestLimits) -> [String] {
        guard let usage = publisher?.usage?.usage(of: batch.tenant) else { return [] }
        var warnings: [String] = []
        if !batch.series.isEmpty, usage.series >= limits.maxActiveSeries {
            warnings.append(
                "samples of new series will be refused by max_active_series: the tenant has \(usage.series) active "
                    + "series in the cluster, the limit is \(limits.maxActiveSeries): new series refused by their "
                    + "partitions' owners")
        }
        if !batch.logs.isEmpty, usage.streams >= limits.maxActiveLogStreams {
            warnings.append(
                "lines of new streams will be refused by max_active_log_streams: the tenant has \(usage.streams) log "
                    + "streams in the cluster, the limit is \(limits.maxActiveLogStreams): lines of new streams refused "
                    + "by their partitions' owners")
        }
        return warnings
    }
}

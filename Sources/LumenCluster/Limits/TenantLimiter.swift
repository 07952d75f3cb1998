import LumenEngine
import LumenModel

/// A partition applier's side of the limits on stored state: which of a batch's series and log streams are new to
/// the partition's store, how many of them the node's `UsageLedger` admits, and the batch without the rest — the
/// single node's rule (existing series and streams are always accepted, new ones only under the limit), counted
/// in the single node's `lumen_ingest_rejected_total` with `protocol="cluster"` (the owner does not know which
/// protocol brought a batch). What the store itself drops (too old, too new, a conflict, a repeat) is counted there
/// too, by the single node's reasons.
public struct TenantLimiter: Sendable {
    let ledger: UsageLedger
    let metrics: ClusterMetrics
    /// The live storage nodes, whose claims count.
    let live: @Sendable () -> Set<String>
    /// What this node holds of a tenant, over all its stores.
    let held: @Sendable (Tenant) -> TenantUsage

    /// A batch as admitted, and the ledger's grant it appends under.
    struct Admission {
        var batch: Batch
        var granted: TenantUsage
    }

    /// `batch` without the series and log streams new to `store` that do not fit under the tenant's limits (the
    /// first new ones in the batch's order are kept). Blocks (the ledger's KV requests).
    func admit(_ batch: Batch, into store: Storage) throws -> Admission {
        let tenant = batch.tenant
        let newSeries = batch.series.isEmpty ? [] : store.head.newSeries(tenant, among: batch.series.map(\.labels))
        let newStreams = batch.logs.isEmpty
            ? [] : store.head.newLogStreams(tenant, among: Set(batch.logs.map(\.streamLabels)))
        guard !newSeries.isEmpty || !newStreams.isEmpty else { return Admission(batch: batch, granted: .zero) }
        let granted = try ledger.admit(
            tenant, wanted: TenantUsage(series: newSeries.count, streams: newStreams.count), live: live(),
            held: { held(tenant) })
        var kept = batch
        if granted.series < newSeries.count {
            var admitted = Set<Labels>()
            var refused = 0
            kept.series = batch.series.filter { series in
                guard newSeries.contains(series.labels), !admitted.contains(series.labels) else { return true }
                guard admitted.count < granted.series else {
                    refused += series.samples.count
                    return false
                }
                admitted.insert(series.labels)
                return true
            }
            metrics.discarded(refused, signal: "samples", reason: "max_active_series")
        }
        if granted.streams < newStreams.count {
            var admitted = Set<Labels>()
            var refused = 0
            kept.logs = batch.logs.filter { record in
                let stream = record.streamLabels
                guard newStreams.contains(stream), !admitted.contains(stream) else { return true }
                guard admitted.count < granted.streams else {
                    refused += 1
                    return false
                }
                admitted.insert(stream)
                return true
            }
            metrics.discarded(refused, signal: "logs", reason: "max_active_log_streams")
        }
        return Admission(batch: kept, granted: granted)
    }

    /// The admitted batch went to the store (`report` is what it did; nil when the append failed): the grant is
    /// settled, and what the store dropped is counted.
    func appended(_ admission: Admission, report: AppendReport?) {
        ledger.settle(admission.batch.tenant, admission.granted)
        guard let report else { return }
        for (count, signal, reason) in [
            (report.tooOldSamples, "samples", "too_old"), (report.tooOldExemplars, "exemplars", "too_old"),
            (report.tooNewSamples, "samples", "too_far_in_future"),
            (report.tooNewExemplars, "exemplars", "too_far_in_future"), (report.tooNewLogs, "logs", "too_far_in_future"),
            (report.tooNewSpans, "spans", "too_far_in_future"), (report.conflictingSamples, "samples", "conflict"),
            (report.duplicateSamples, "samples", "duplicate"), (report.duplicateLogs, "logs", "duplicate"),
            (report.duplicateSpans, "spans", "duplicate"),
        ] {
            metrics.discarded(count, signal: signal, reason: reason)
        }
    }
}

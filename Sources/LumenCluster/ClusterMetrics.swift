import CoreMetrics
import LumenModel

/// What a cluster member exports on `/metrics` (docs/cluster.md, "Watching it"), through the swift-metrics factory
/// it is given (the server's registry; a no-op one by default, in tests).
public struct ClusterMetrics: Sendable {
    let factory: any MetricsFactory

    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.factory = factory
    }

    /// A publish attempt that failed and is tried again: `not_stored` (no responders, a full stream) or `unknown`
    /// (a timeout: maybe stored, sent again under the same batch ID).
    func publishRetried(outcome: String) {
        Counter(label: "lumen_cluster_publish_retries_total", dimensions: [("outcome", outcome)], factory: factory)
            .increment()
    }

    /// A message still not stored when its retry budget ran out: its request was answered 503.
    func publishFailed() {
        Counter(label: "lumen_cluster_publish_failures_total", factory: factory).increment()
    }

    /// This node took a lease (`kind`: `partition` or `rule_group`).
    func leaseAcquired(_ kind: String) {
        Counter(label: "lumen_cluster_lease_acquisitions_total", dimensions: [("kind", kind)], factory: factory)
            .increment()
    }

    /// This node stopped holding a lease: `released` (another node should own it, or shutdown), `lost` (another
    /// node wrote the key), `expired` (not renewed in time) or `failed` (its applier stopped on an error).
    func leaseEnded(_ kind: String, reason: String) {
        Counter(
            label: "lumen_cluster_lease_losses_total", dimensions: [("kind", kind), ("reason", reason)],
            factory: factory
        ).increment()
    }

    /// A held partition's progress: the highest stream sequence applied, its messages not yet applied, and with a
    /// shared block store the sequence flushed there.
    func partitionProgress(_ partition: Int, applied: UInt64, lag: UInt64?, flushed: UInt64? = nil) {
        let dimensions = [("partition", String(partition))]
        Gauge(label: "lumen_cluster_partition_applied_sequence", dimensions: dimensions, factory: factory)
            .record(Int64(clamping: applied))
        if let lag {
            Gauge(label: "lumen_cluster_partition_lag", dimensions: dimensions, factory: factory)
                .record(Int64(clamping: lag))
        }
        if let flushed {
            Gauge(label: "lumen_cluster_partition_flushed_sequence", dimensions: dimensions, factory: factory)
                .record(Int64(clamping: flushed))
        }
    }

    /// A partition no longer held here: its gauges leave the exposition.
    func partitionLeft(_ partition: Int) {
        let dimensions = [("partition", String(partition))]
        Gauge(label: "lumen_cluster_partition_applied_sequence", dimensions: dimensions, factory: factory).destroy()
        Gauge(label: "lumen_cluster_partition_lag", dimensions: dimensions, factory: factory).destroy()
        Gauge(label: "lumen_cluster_partition_flushed_sequence", dimensions: dimensions, factory: factory).destroy()
    }

    /// A read this query node asked of another node, `peer` (fan-out), from sending it to having its answer or
    /// error. (`peer`, not `node`: in `_lumen` every series already names its own node.)
    func remoteRead(peer: String, took duration: Duration, failed: Bool) {
        let dimensions = [("peer", peer)]
        Timer(label: "lumen_cluster_remote_read_duration_seconds", dimensions: dimensions, factory: factory)
            .recordNanoseconds(duration.nanoseconds)
        if failed {
            Counter(label: "lumen_cluster_remote_read_failures_total", dimensions: dimensions, factory: factory)
                .increment()
        }
    }

    /// A reply this query node received from another node, `peer`: its bytes, and its items (log records, spans,
    /// samples, line times, label names or values) — what fan-out carries over the network.
    func remoteReadReceived(peer: String, bytes: Int, items: Int) {
        let dimensions = [("peer", peer)]
        Counter(label: "lumen_cluster_remote_read_bytes_total", dimensions: dimensions, factory: factory)
            .increment(by: bytes)
        Counter(label: "lumen_cluster_remote_read_items_total", dimensions: dimensions, factory: factory)
            .increment(by: items)
    }

    /// How many partitions this node holds now.
    func partitionsHeld(_ count: Int) {
        Gauge(label: "lumen_cluster_partitions_held", factory: factory).record(count)
    }

    /// This owner merged a run of a partition's shared flushes into one.
    func sharedCompaction() {
        Counter(label: "lumen_cluster_shared_compactions_total", factory: factory).increment()
    }

    /// This owner removed a shared flush of `blocks` blocks: `compacted` (merged into another), `retention` (its data
    /// all older than the retention) or `stale` (off the path: a stale owner's late write, a crash's leftover).
    func sharedFlushRemoved(reason: String, blocks: Int) {
        let dimensions = [("reason", reason)]
        Counter(label: "lumen_cluster_shared_flushes_removed_total", dimensions: dimensions, factory: factory)
            .increment()
        Counter(label: "lumen_cluster_shared_blocks_removed_total", dimensions: dimensions, factory: factory)
            .increment(by: blocks)
    }

    /// A maintenance step of a partition's shared flushes failed (a disk, NATS); it is tried again next time.
    func sharedMaintenanceFailed() {
        Counter(label: "lumen_cluster_shared_maintenance_failures_total", factory: factory).increment()
    }
}

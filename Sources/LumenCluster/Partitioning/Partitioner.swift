import LumenModel

/// Which partition a piece of data belongs to, so that a metric series, a log stream or a whole trace (its spans
/// and the logs written under it) always lands in one partition:
/// - a series: hash(tenant, series labels);
/// - a span: hash(tenant, trace ID);
/// - a log record with a trace ID: hash(tenant, trace ID), beside its trace; without one: hash(tenant, stream labels).
///
/// A hash maps to a partition by Lemire's multiply-high reduction, ⌊hash × count / 2⁶⁴⌋: uniform, no division.
/// `count` is fixed when the cluster is created; changing it moves almost everything.
public struct Partitioner: Sendable {
    public let count: Int

    public init(count: Int) {
        precondition(count > 0, "a cluster has at least one partition")
        self.count = count
    }

    public func partition(ofHash hash: UInt64) -> Int {
        Int(hash.multipliedFullWidth(by: UInt64(count)).high)
    }

    public func partition(of series: TimeSeries, tenant: Tenant) -> Int {
        partition(ofHash: PartitionHash.of(tenant: tenant, labels: series.labels))
    }

    public func partition(of span: Span, tenant: Tenant) -> Int {
        partition(ofHash: PartitionHash.of(tenant: tenant, traceID: span.traceID))
    }

    public func partition(of log: LogRecord, tenant: Tenant) -> Int {
        if let traceID = log.traceID, traceID.isValid {
            return partition(ofHash: PartitionHash.of(tenant: tenant, traceID: traceID))
        }
        return partition(ofHash: PartitionHash.of(tenant: tenant, labels: log.streamLabels))
    }

    /// The batch's data grouped by partition, each part a batch of the same tenant; parts in partition order, and
    /// within a part the batch's order. Metric metadata stays out: it is not written to the log (the collector
    /// that received it keeps it, as a single node does).
    public func split(_ batch: Batch) -> [(partition: Int, batch: Batch)] {
        var parts: [Int: Batch] = [:]
        for span in batch.spans {
            parts[partition(of: span, tenant: batch.tenant), default: Batch(tenant: batch.tenant)].spans.append(span)
        }
        for log in batch.logs {
            parts[partition(of: log, tenant: batch.tenant), default: Batch(tenant: batch.tenant)].logs.append(log)
        }
        for series in batch.series {
            parts[partition(of: series, tenant: batch.tenant), default: Batch(tenant: batch.tenant)].series.append(
                series)
        }
        return parts.keys.sorted().map { ($0, parts[$0]!) }
    }
}

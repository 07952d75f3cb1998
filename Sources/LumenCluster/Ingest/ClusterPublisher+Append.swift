import LumenEngine
import LumenModel

extension ClusterPublisher {
    /// Publishes `batch` as the collectors' replacement for `Storage.append`: once it returns, every part is
    /// stored in JetStream. The report counts what was handed over; what a storage node later drops (too old,
    /// a repeat) is counted there.
    public func append(_ batch: Batch) async throws(ClusterPublishError) -> AppendReport {
        try await publish(batch)
        var report = AppendReport()
        report.spans = batch.spans.count
        report.logs = batch.logs.count
        report.samples = batch.sampleCount
        report.exemplars = batch.series.reduce(0) { $0 + $1.exemplars.count }
        return report
    }
}

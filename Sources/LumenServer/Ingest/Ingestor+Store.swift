import LumenCluster
import LumenEngine
import LumenModel

extension Ingestor {
    /// A failed write of a batch that passed the limits: the refusal to answer, and the `reason` its items are
    /// counted with (`storage`, or `cluster` when JetStream did not store it within the retry budget).
    struct StoreFailure: Error {
        var reason: String
        var refusal: IngestRefusal
    }

    /// The one place the pipeline writes a batch: the local store (WAL fsync, then the head), or, on a cluster's
    /// collector, JetStream (`ClusterPublisher`; the partitions' owners apply it). Either way, durable on return.
    func store(_ batch: Batch) async throws(StoreFailure) -> AppendReport {
        if let publisher {
            // The future window holds at the edge, so the client hears of it as on one node (the owner checks again).
            var kept = batch
            var dropped = AppendReport()
            storage.dropTooNew(&kept, report: &dropped)
            do {
                var report = try await publisher.append(kept)
                report += dropped
                return report
            } catch {
                throw StoreFailure(
                    reason: "cluster",
                    refusal: IngestRefusal(.unavailable, error.message, retryAfterSeconds: error.retryAfterSeconds))
            }
        }
        do {
            return try await storage.append(batch)
        } catch {
            throw StoreFailure(
                reason: "storage",
                refusal: IngestRefusal(storing: error))
        }
    }
}

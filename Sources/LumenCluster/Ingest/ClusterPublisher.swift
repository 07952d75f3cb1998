import LumenEngine
import LumenModel
import NIOPosix

/// The collectors' write path in a cluster: a decoded batch is split by partition, each part encoded as a WAL
/// batch record (the one binary form of a `Batch`, docs/format/wal.md) and published to its partition's subject;
/// `publish` returns once every part has its JetStream acknowledgement.
public final class ClusterPublisher: Sendable {
    public static let defaultMaxMessageBytes = 256 * 1024

    let jetStream: JetStream
    let layout: StreamLayout
    let partitioner: Partitioner
    let policy: PublishRetryPolicy
    let maxMessageBytes: Int
    let metrics: ClusterMetrics
    /// Every tenant's cluster-wide usage as the storage nodes claimed it, for the collector's answers; nil: unknown.
    public let usage: PublishedUsage?
    /// `js_PublishMsgAsync` may stall while too many publishes are in flight: it runs here, off Swift's pool.
    private let submitter: NIOThreadPool

    public init(
        jetStream: JetStream, layout: StreamLayout, policy: PublishRetryPolicy = PublishRetryPolicy(),
        maxMessageBytes: Int = ClusterPublisher.defaultMaxMessageBytes, metrics: ClusterMetrics = ClusterMetrics(),
        usage: PublishedUsage? = nil
    ) {
        self.metrics = metrics
        self.usage = usage
        self.jetStream = jetStream
        self.layout = layout
        partitioner = Partitioner(count: layout.partitions)
        self.policy = policy
        self.maxMessageBytes = maxMessageBytes
        submitter = NIOThreadPool(numberOfThreads: 1)
        submitter.start()
    }

    /// One stored message: where it went.
    public struct Receipt: Equatable, Sendable {
        public var partition: Int
        public var stream: String
        public var sequence: UInt64
        public var batchID: String
    }

    /// The messages `batch` becomes: per partition, its part encoded, split further while a message would exceed
    /// `maxMessageBytes`, each with its batch-ID header value.
    public func messages(of batch: Batch, id: BatchID) -> [(partition: Int, payload: [UInt8], batchID: String)] {
        var messages: [(Int, [UInt8], String)] = []
        for (partition, part) in partitioner.split(batch) {
            for payload in encode(part) {
                messages.append((partition, payload, id.header(part: messages.count)))
            }
        }
        return messages
    }

    /// Encodes `batch`, halving it while one record is larger than a message may be (a single item is sent as it
    /// is; the server refuses what exceeds its `max_payload`).
    private func encode(_ batch: Batch) -> [[UInt8]] {
        let record = BatchRecord.encode(batch)
        let items = batch.spans.count + batch.logs.count + batch.series.count
        guard record.count > maxMessageBytes, items > 1 else { return [record] }
        var first = Batch(tenant: batch.tenant)
        var second = Batch(tenant: batch.tenant)
        first.spans = Array(batch.spans.prefix(batch.spans.count / 2))
        second.spans = Array(batch.spans.dropFirst(batch.spans.count / 2))
        first.logs = Array(batch.logs.prefix(batch.logs.count / 2))
        second.logs = Array(batch.logs.dropFirst(batch.logs.count / 2))
        first.series = Array(batch.series.prefix((batch.series.count + 1) / 2))
        second.series = Array(batch.series.dropFirst((batch.series.count + 1) / 2))
        return [first, second].filter { !$0.isEmpty }.flatMap(encode)
    }

    /// Publishes every part of `batch` and waits for all their acknowledgements; throws when one of them is still
    /// not stored when the retry budget is spent.
    @discardableResult
    public func publish(_ batch: Batch, id: BatchID = .random()) async throws(ClusterPublishError) -> [Receipt] {
        let messages = messages(of: batch, id: id)
        let results = await withTaskGroup(of: Result<Receipt, ClusterPublishError>.self) { group in
            for message in messages {
                group.addTask {
                    do throws(ClusterPublishError) {
                        let (stream, sequence) = try await self.publishWithRetries(
                            subject: self.layout.subject(ofPartition: message.partition), payload: message.payload,
                            batchID: message.batchID)
                        return .success(Receipt(
                            partition: message.partition, stream: stream, sequence: sequence,
                            batchID: message.batchID))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            var results: [Result<Receipt, ClusterPublishError>] = []
            for await result in group { results.append(result) }
            return results
        }
        var receipts: [Receipt] = []
        for result in results {
            switch result {
            case .success(let receipt): receipts.append(receipt)
            case .failure(let error): throw error
            }
        }
        return receipts.sorted { ($0.partition, $0.batchID) < ($1.partition, $1.batchID) }
    }

    private func publishWithRetries(
        subject: String, payload: [UInt8], batchID: String
    ) async throws(ClusterPublishError) -> (String, UInt64) {
        let clock = ContinuousClock()
        let deadline = clock.now + policy.budget
        var backoff = policy.firstBackoff
        var attempts = 0
        while true {
            attempts += 1
            let outcome = await attempt(subject: subject, payload: payload, batchID: batchID)
            let error: NATSError
            let retry: String
            switch outcome {
            case .stored(let stream, let sequence):
                return (stream, sequence)
            case .unknown(let failure):
                // Maybe stored: send the same bytes under the same ID again at once.
                (error, retry) = (failure, "unknown")
            case .notStored(let failure):
                (error, retry) = (failure, "not_stored")
                // Waits never past the deadline (a retry at once would spin until it).
                try? await Task.sleep(for: min(backoff, max(deadline - clock.now, .zero)))
                backoff = min(backoff * 2, policy.maxBackoff)
            }
            if clock.now >= deadline || Task.isCancelled {
                metrics.publishFailed()
                throw ClusterPublishError(
                    message: "the cluster did not store the data within \(policy.budget) (\(attempts) attempts to "
                        + "\(subject)): \(error)", retryAfterSeconds: policy.retryAfterSeconds)
            }
            metrics.publishRetried(outcome: retry)
        }
    }

    private func attempt(subject: String, payload: [UInt8], batchID: String) async -> PublishOutcome {
        let jetStream = self.jetStream
        let timeout = policy.ackTimeout
        return await withCheckedContinuation { continuation in
            submitter.submit { state in
                guard case .active = state else {
                    continuation.resume(returning: .notStored(.closed("publish", "the publisher is shut down")))
                    return
                }
                do throws(NATSError) {
                    try jetStream.publish(
                        subject: subject, payload: payload, headers: [(BatchID.header, batchID)], timeout: timeout
                    ) { continuation.resume(returning: $0) }
                } catch {
                    continuation.resume(returning: error.isTimeout ? .unknown(error) : .notStored(error))
                }
            }
        }
    }

    /// Stops the submitting thread (the JetStream context is the caller's to close).
    public func shutdown() async {
        try? await submitter.shutdownGracefully()
    }
}

import Foundation
import LumenEngine
import Testing

@testable import LumenCluster

/// A storage node as the tests run it: partition ownership on a real nats-server, its own data directory and NATS
/// handles; with a shared block store (`blockStore`) or, without one, applying every partition to its one store.
final class ClusterTestNode: @unchecked Sendable {
    let jetStream: JetStream
    let storage: Storage
    let ownership: PartitionOwnership
    /// Where its store lives: `<dataDirectory>/store`.
    let dataDirectory: String

    init(
        _ name: String, server: String, layout: StreamLayout, dataDirectory: String, blockStore: String? = nil,
        flushInterval: Duration = .seconds(3600)
    ) throws {
        self.dataDirectory = dataDirectory
        jetStream = try ClusterTestSupport.jetStream([server], name: name)
        let logger = ClusterTestSupport.quietLogger
        storage = try Storage(directory: dataDirectory + "/store", logger: logger)
        let leases = try KeyValueBucket(jetStream: jetStream, name: "lumen-leases", ttl: .seconds(2), replicas: 1)
        let nodes = try KeyValueBucket(jetStream: jetStream, name: "lumen-nodes", ttl: .seconds(2), replicas: 1)
        var flushing: PartitionFlushing?
        if let blockStore {
            let flushed = try KeyValueBucket(
                jetStream: jetStream, name: FlushedSequences.bucketName, ttl: nil, replicas: 1)
            flushing = PartitionFlushing(
                blocks: SharedBlockStore(directory: blockStore), sequences: FlushedSequences(bucket: flushed),
                dataDirectory: dataDirectory, options: StorageOptions(), flushInterval: flushInterval,
                linger: .seconds(1))
        }
        ownership = PartitionOwnership(
            node: name, layout: layout, jetStream: jetStream, leases: leases, nodes: nodes, leaseTTL: .seconds(2),
            storage: storage, appliedDirectory: dataDirectory + "/cluster", flushing: flushing, logger: logger)
        ownership.start()
    }

    /// Messages its appliers applied, over the partitions it holds now.
    var applied: Int { ownership.heldPartitions.values.reduce(0) { $0 + $1.progress.appliedMessages } }

    /// Whether every receipt's message is applied here. Unlike `applied`, which counts the current appliers' messages,
    /// it holds after a lease lapsed under load and the partition was acquired again (its new applier starts counting
    /// from zero).
    func hasApplied(_ receipts: [ClusterPublisher.Receipt]) -> Bool {
        let held = ownership.heldPartitions
        return receipts.allSatisfy { (held[$0.partition]?.progress.appliedSequence ?? 0) >= $0.sequence }
    }

    /// Stops it and closes its store; without `flushing`, leaving its partitions' unflushed tails behind as a crash
    /// would. Off Swift's cooperative pool: the appliers it waits for need that pool for their appends and flushes.
    func stop(flushing: Bool = true) async {
        await ClusterTestSupport.offPool {
            self.ownership.stop(flushing: flushing)
            try? self.storage.close()
            self.jetStream.close()
        }
    }
}

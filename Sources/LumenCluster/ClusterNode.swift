import Foundation
import Logging
import LumenEngine
import LumenModel
import NIOPosix

/// This process as a member of a cluster: its NATS connection, the streams and buckets (created or reused), the
/// collector's publisher and the storage node's partition ownership, per its roles.
public final class ClusterNode: Sendable {
    public static let leaseBucket = "lumen-leases"
    public static let nodeBucket = "lumen-nodes"
    public static let layoutBucket = "lumen-cluster"

    public let configuration: ClusterConfiguration
    /// The layout the cluster was created with (the first node's partition and stream counts win).
    public let layout: StreamLayout
    public let jetStream: JetStream
    /// Where this node's writes go instead of its local store: a collector's clients' data, and on any node what
    /// its rules and span metrics write.
    public let publisher: ClusterPublisher
    let ownership: PartitionOwnership?
    /// With `--block-store`: the shared blocks of every partition, which a query node reads directly.
    public let sharedBlocks: SharedBlockReader?
    /// With `--block-store`: each partition's flushed sequence.
    let flushedSequences: FlushedSequences?
    /// The tenants' claims of their limits on stored state (`UsageLedger`), when limits were given.
    let usageBucket: KeyValueBucket?
    /// Set on nodes that run rules: the rule managers' gate (`mayEvaluate`), so one node evaluates each group.
    public let ruleLeases: RuleGroupLeases?
    let leases: KeyValueBucket
    let nodes: KeyValueBucket
    let logger: Logger
    /// Where this node's cluster work is counted (also a query node's reads of other nodes).
    let metrics: ClusterMetrics

    /// Connects and sets everything up. Blocks (NATS requests): call it off Swift's cooperative pool, e.g. with
    /// `start(…)`.
    /// - Parameters:
    ///   - runsRules: whether this node loads rule files, so takes part in the rule groups' leases.
    ///   - metrics: where its publish retries, lease changes and partitions' progress are counted.
    ///   - limits: each tenant's limits on stored state, which storage nodes enforce cluster-wide and collectors
    ///     report (docs/cluster.md, "Limits and tenants"); nil: not enforced.
    ///   - mayFetch: whether this node has memory to apply more of its partitions (the server's admission gate);
    ///     asked before every fetch.
    public init(
        configuration: ClusterConfiguration, storage: Storage?, dataDirectory: String, runsRules: Bool = false,
        metrics: ClusterMetrics = ClusterMetrics(), limits: (@Sendable (Tenant) -> ActiveLimits)? = nil,
        mayFetch: @escaping @Sendable () -> Bool = { true }, logger: Logger
    ) throws {
        if let problem = configuration.problem { throw ClusterConfigurationError(message: problem) }
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
        let connection = try NATSConnection(urls: configuration.servers, name: "lumen-\(configuration.node)")
        jetStream = try JetStream(connection: connection)
        let replicas = StreamConfiguration.replicas(forServers: configuration.servers.count)
        let layoutBucket = try KeyValueBucket(
            jetStream: jetStream, name: Self.layoutBucket, ttl: nil, replicas: replicas)
        defer { layoutBucket.close() }
        layout = try Self.agreedLayout(configuration, bucket: layoutBucket, logger: logger)
        for (index, name) in layout.streamNames.enumerated() {
            try jetStream.createOrReuseStream(StreamConfiguration(
                name: name, subjects: layout.subjects(ofStream: index), replicas: replicas,
                maxAge: configuration.streamMaxAge, maxBytes: configuration.streamMaxBytes))
        }
        leases = try KeyValueBucket(
            jetStream: jetStream, name: Self.leaseBucket, ttl: configuration.leaseTTL, replicas: replicas)
        nodes = try KeyValueBucket(
            jetStream: jetStream, name: Self.nodeBucket, ttl: configuration.leaseTTL, replicas: replicas)
        if limits != nil {
            usageBucket = try KeyValueBucket(
                jetStream: jetStream, name: UsageLedger.bucketName, ttl: nil, replicas: replicas)
        } else {
            usageBucket = nil
        }
        var usage: PublishedUsage?
        if let usageBucket, configuration.roles.contains(.collector) {
            usage = PublishedUsage(usage: usageBucket, nodes: nodes, interval: configuration.leaseTTL / 6)
        }
        publisher = ClusterPublisher(jetStream: jetStream, layout: layout, metrics: metrics, usage: usage)
        let blockStore = configuration.blockStore.map { SharedBlockStore(directory: $0) }
        let partitions = layout.partitions
        sharedBlocks = blockStore.map { SharedBlockReader(store: $0, partitions: partitions, logger: logger) }
        if blockStore != nil {
            flushedSequences = FlushedSequences(bucket: try KeyValueBucket(
                jetStream: jetStream, name: FlushedSequences.bucketName, ttl: nil, replicas: replicas))
        } else {
            flushedSequences = nil
        }
        if configuration.roles.contains(.storage), let storage {
            var flushing: PartitionFlushing?
            if let blockStore, let flushedSequences {
                flushing = PartitionFlushing(
                    blocks: blockStore, sequences: flushedSequences, dataDirectory: dataDirectory,
                    options: storage.options, flushInterval: configuration.flushInterval,
                    linger: configuration.flushedHeadLinger)
            }
            ownership = PartitionOwnership(
                node: configuration.node, layout: layout, jetStream: jetStream, leases: leases, nodes: nodes,
                leaseTTL: configuration.leaseTTL, storage: storage,
                appliedDirectory: dataDirectory + "/cluster", flushing: flushing,
                advertiseURL: configuration.advertiseURL,
                ledger: usageBucket.flatMap { bucket in
                    limits.map { UsageLedger(node: configuration.node, bucket: bucket, limits: $0) }
                }, mayFetch: mayFetch, logger: logger, metrics: metrics)
            ownership?.start()
        } else {
            ownership = nil
        }
        if runsRules {
            let ruleLeases = RuleGroupLeases(
                node: configuration.node, leases: leases, nodes: nodes, ttl: configuration.leaseTTL, logger: logger,
                metrics: metrics)
            ruleLeases.start()
            self.ruleLeases = ruleLeases
        } else {
            ruleLeases = nil
        }
        publisher.usage?.start()
        logger.info(
            "joined the cluster",
            metadata: [
                "node": "\(configuration.node)", "roles": "\(configuration.roles.sorted().map(\.rawValue))",
                "partitions": "\(layout.partitions)", "streams": "\(layout.streams)",
            ])
    }

    /// `init` on a thread of its own, retried for up to `patience` while NATS refuses it: no server reachable yet,
    /// JetStream not answering (a cluster's servers elect their meta leader a few seconds after they start), or
    /// not able to place replicated streams yet (servers still joining).
    public static func start(
        configuration: ClusterConfiguration, storage: Storage?, dataDirectory: String, runsRules: Bool = false,
        metrics: ClusterMetrics = ClusterMetrics(), limits: (@Sendable (Tenant) -> ActiveLimits)? = nil,
        mayFetch: @escaping @Sendable () -> Bool = { true }, logger: Logger, patience: Duration = .seconds(30)
    ) async throws -> ClusterNode {
        let deadline = ContinuousClock.now + patience
        while true {
            do {
                return try await NIOThreadPool.singleton.runIfActive {
                    try ClusterNode(
                        configuration: configuration, storage: storage, dataDirectory: dataDirectory,
                        runsRules: runsRules, metrics: metrics, limits: limits, mayFetch: mayFetch, logger: logger)
                }
            } catch let error as NATSError where .now < deadline {
                logger.info("cluster: NATS is not ready for this node yet (\(error)); retrying")
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// The partition and stream counts are the cluster's, written once by the first node.
    private static func agreedLayout(
        _ configuration: ClusterConfiguration, bucket: KeyValueBucket, logger: Logger
    ) throws -> StreamLayout {
        let wanted = "\(configuration.partitions) \(configuration.streams)"
        if try bucket.create("layout", value: Array(wanted.utf8)) != nil {
            return StreamLayout(partitions: configuration.partitions, streams: configuration.streams)
        }
        guard let entry = try bucket.get("layout") else {
            return StreamLayout(partitions: configuration.partitions, streams: configuration.streams)
        }
        let fields = String(decoding: entry.value, as: UTF8.self).split(separator: " ").compactMap { Int($0) }
        guard fields.count == 2, fields[0] > 0, fields[1] > 0 else {
            throw ClusterConfigurationError(message: "the cluster's layout record is unreadable: \(entry.value)")
        }
        if fields[0] != configuration.partitions || fields[1] != configuration.streams {
            let asked = "\(configuration.partitions) over \(configuration.streams)"
            logger.warning(
                "the cluster was created with \(fields[0]) partitions over \(fields[1]) streams; using those, not \(asked)")
        }
        return StreamLayout(partitions: fields[0], streams: fields[1])
    }

    /// Every partition: its owner and epoch from the lease bucket, the node it is destined for among the live
    /// storage nodes, and, where this node holds it, how far it is applied and how far behind the stream it is.
    /// Blocks.
    public func status() throws -> ClusterStatus {
        let held = ownership?.heldPartitions ?? [:]
        let members = try nodes.keys().filter { $0.hasPrefix(PartitionOwnership.nodeKeyPrefix) }
            .map { String($0.dropFirst(PartitionOwnership.nodeKeyPrefix.count)) }.sorted()
        var lastSequence: [String: UInt64] = [:]
        for name in layout.streamNames { lastSequence[name] = try jetStream.streamState(name)?.lastSequence }
        var partitions: [PartitionStatus] = []
        for partition in 0..<layout.partitions {
            let record = try leases.get(OwnershipRecord.key(ofPartition: partition)).flatMap {
                entry in OwnershipRecord(bytes: entry.value).map { ($0, entry.revision) }
            }
            let epoch = record.map { $0.0.epoch == 0 ? $0.1 : $0.0.epoch }
            let flushed = try flushedSequences?.record(ofPartition: partition).map(\.sequence)
            let destined = Rendezvous.owner(of: partition, among: members)
            if let local = held[partition] {
                // The applier's last fetch says how many of the partition's messages are left; before it, the
                // stream's last sequence bounds the lag (other partitions share the stream).
                let last = lastSequence[layout.stream(ofPartition: partition)] ?? 0
                let bound = last > local.progress.appliedSequence ? last - local.progress.appliedSequence : 0
                partitions.append(PartitionStatus(
                    partition: partition, owner: configuration.node, epoch: local.epoch,
                    appliedSequence: local.progress.appliedSequence, flushedSequence: flushed,
                    lag: local.progress.pending ?? bound,
                    state: local.progress.state.rawValue, destined: destined))
            } else {
                partitions.append(PartitionStatus(
                    partition: partition, owner: record?.0.node, epoch: epoch, appliedSequence: nil,
                    flushedSequence: flushed, lag: nil,
                    state: record == nil ? "unowned" : "remote", destined: destined))
            }
        }
        return ClusterStatus(
            node: configuration.node, roles: configuration.roles.sorted().map(\.rawValue),
            servers: configuration.servers, storageNodes: members, partitions: partitions)
    }

    /// The bytes in the heads of this node's partition stores (with a shared block store; without one, none: the
    /// partitions are applied to the node's own store).
    public var heldHeadBytes: (held: Int, cutting: Int) { ownership?.heldHeadBytes ?? (0, 0) }

    /// Flushes the partitions this node holds to the shared block store now, each on its applier's thread
    /// (`POST /api/v1/admin/flush`); nothing without `--block-store` or the storage role. Throws
    /// `PartitionFlushFailure` naming the partitions not flushed within `timeout`, or fenced.
    public func flushHeldPartitions(timeout: Duration = .seconds(30)) async throws {
        guard let ownership, flushedSequences != nil else { return }
        try await NIOThreadPool.singleton.runIfActive { try ownership.flushHeld(timeout: timeout) }
    }

    /// Gives up leases (with a shared block store, each partition flushed first: others resume from it), waits for
    /// pending publishes, closes the connection.
    public func shutdown() async {
        await publisher.shutdown()
        try? await NIOThreadPool.singleton.runIfActive { [publisher] in publisher.usage?.stop() }
        // Giving the leases up waits for the appliers' fetches: off Swift's cooperative pool.
        try? await NIOThreadPool.singleton.runIfActive { [self] in
            ruleLeases?.stop()
            ownership?.stop()
        }
        leases.close()
        nodes.close()
        usageBucket?.close()
        jetStream.close()
    }
}

/// What `GET /lumen/v1/cluster` and `lumen cluster` show.
public struct ClusterStatus: Equatable, Sendable, Codable {
    public var node: String
    public var roles: [String]
    public var servers: [String]
    /// The storage nodes that announced themselves within the lease TTL.
    public var storageNodes: [String]
    public var partitions: [PartitionStatus]
}

import Logging
import LumenCluster
import LumenEngine

extension LumenServer {
    /// What the query engine reads: the local store; in a cluster, on a node with the query role, the store and
    /// every node that owns a partition (`ClusterReads`, docs/cluster.md "Queries fan out") — except Lumen's own
    /// metrics, which describe this node; with `peers` given, the store and those nodes.
    static func reader(
        storage: Storage, cluster: ClusterNode?, barrier: ReadBarrier?, peers: (any ReadPeers)?,
        configuration: ServerConfiguration, logger: Logger
    ) -> any TelemetryReader {
        var peers = peers
        if peers == nil, let cluster, let barrier, cluster.configuration.roles.contains(.query) {
            peers = ClusterReads(
                node: cluster, barrier: barrier, adminToken: configuration.adminToken,
                timeout: configuration.queryLimits.timeout, localTenants: [.selfMetrics])
        }
        guard let peers else { return storage }
        var local = ownData(storage, cluster: cluster)
        if let shared = cluster?.sharedBlocks { local = CombinedQuerier([shared.querier, local]) }
        return FanOutQuerier(local: local, peers: peers, logger: logger)
    }

    /// What this node holds itself, as its internal read endpoint answers it: its store and, with a shared block
    /// store, the partitions it owns now (their flushed blocks are read from the shared store by the asking node).
    static func ownData(_ storage: Storage, cluster: ClusterNode?) -> any Querier {
        guard let cluster, cluster.configuration.blockStore != nil else { return storage }
        return cluster.ownStores(storage)
    }
}

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
        return FanOutQuerier(local: storage, peers: peers, logger: logger)
    }
}

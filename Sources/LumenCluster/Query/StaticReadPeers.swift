import AsyncHTTPClient
import LumenEngine

/// A fixed set of nodes that each answer reads for all they hold, without partitions or a barrier: a fan-out
/// without NATS, for tests and for a node that reads other stand-alone nodes.
public struct StaticReadPeers: ReadPeers {
    /// Name → API URL (`http://host:port`).
    public let nodes: [(name: String, url: String)]
    let client: HTTPClient
    let adminToken: String?
    let timeout: Duration

    public init(
        nodes: [(name: String, url: String)], client: HTTPClient = ReadClient.shared, adminToken: String? = nil,
        timeout: Duration = .seconds(120)
    ) {
        self.nodes = nodes
        self.client = client
        self.adminToken = adminToken
        self.timeout = timeout
    }

    public func nodes(for request: ReadRequest, scope: ReadScope) throws -> [any RemoteNode] {
        nodes.map { node in
            HTTPReadNode(
                name: node.name, url: node.url, barrier: [:], client: client, adminToken: adminToken,
                timeout: timeout, partitioner: nil, metrics: ClusterMetrics())
        }
    }
}

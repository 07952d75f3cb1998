import AsyncHTTPClient
import Foundation
import Logging
import LumenEngine
import LumenModel
import Synchronization

/// The other nodes a query node reads from, resolved from the cluster's buckets (`ReadOwners`): every node
/// holding a partition, each asked once with the partitions it holds and, per partition, the last sequence of
/// its stream when the read began (the read-your-writes barrier, `ReadBarrier`); a read by trace ID goes only to
/// the owner of the trace's partition. The partitions this node holds are read from its own store, after its
/// own barrier.
///
/// Turn fan-out on by giving `FanOutQuerier(local: storage, peers: ClusterReads(…))` to the query engine.
/// An unowned partition or a node without an address is a failure of the read (`ReadScope`).
public final class ClusterReads: ReadPeers {
    let node: ClusterNode
    let barrier: ReadBarrier
    let client: HTTPClient
    let adminToken: String?
    let timeout: Duration
    /// Owners are read again once older than this: ownership moves within a lease TTL.
    let ownersMaxAge: Duration
    /// Tenants whose data each node keeps to itself (Lumen's own metrics, which describe that node and carry its
    /// name): read from every storage node that announced an address, each answering from its own store, with no
    /// partitions and no barrier.
    let localTenants: Set<Tenant>
    private let cached = Mutex<(owners: ReadOwners, at: ContinuousClock.Instant)?>(nil)

    /// - Parameters:
    ///   - barrier: this node's own barrier (the one its internal read endpoint uses).
    ///   - adminToken: sent to the other nodes' internal endpoint, which needs it where tokens are configured.
    ///   - timeout: the longest a read waits for another node (the query timeout).
    public init(
        node: ClusterNode, barrier: ReadBarrier, client: HTTPClient = ReadClient.shared, adminToken: String?,
        timeout: Duration, ownersMaxAge: Duration = .seconds(1), localTenants: Set<Tenant> = []
    ) {
        self.localTenants = localTenants
        self.node = node
        self.barrier = barrier
        self.client = client
        self.adminToken = adminToken
        self.timeout = timeout
        self.ownersMaxAge = ownersMaxAge
    }

    public func nodes(for request: ReadRequest, scope: ReadScope) throws -> [any RemoteNode] {
        let owners = try currentOwners()
        if localTenants.contains(request.tenant) {
            return owners.addresses.sorted(by: { $0.key < $1.key }).filter { $0.key != node.configuration.node }
                .map { name, url in readNode(name, url: url, barrier: [:], partitioner: nil) }
        }
        if !owners.unowned.isEmpty {
            scope.nodeFailed(
                "partitions \(owners.unowned.prefix(8).map(String.init).joined(separator: ", "))"
                    + "\(owners.unowned.count > 8 ? " …" : "") have no owner (their node left; another takes them "
                    + "within the lease time)")
        }
        let sequences = try lastSequences()
        let partitioner = Partitioner(count: node.layout.partitions)
        var nodes: [any RemoteNode] = []
        for owner in owners.owners.values.sorted(by: { $0.node < $1.node }) {
            let barrier = Dictionary(uniqueKeysWithValues: owner.partitions.map { partition in
                (partition, sequences[node.layout.stream(ofPartition: partition)] ?? 0)
            })
            if owner.node == node.configuration.node {
                let deadline = min(scope.deadline ?? .now + timeout, .now + ReadBarrier.longestWait)
                if let problem = self.barrier.wait(for: barrier, until: deadline, shouldStop: { scope.shouldStop }) {
                    scope.nodeFailed(problem)
                }
                continue
            }
            guard let url = owner.url else {
                scope.nodeFailed("node \(owner.node) announced no address to read from (run it with --advertise-url)")
                continue
            }
            nodes.append(readNode(owner.node, url: url, barrier: barrier, partitioner: partitioner))
        }
        return nodes
    }

    private func readNode(_ name: String, url: String, barrier: [Int: UInt64], partitioner: Partitioner?)
        -> HTTPReadNode
    {
        HTTPReadNode(
            name: name, url: url, barrier: barrier, client: client, adminToken: adminToken, timeout: timeout,
            partitioner: partitioner, metrics: node.metrics)
    }

    private func currentOwners() throws(NATSError) -> ReadOwners {
        if let cached = cached.withLock({ $0 }), ContinuousClock.now - cached.at < ownersMaxAge { return cached.owners }
        let owners = try ReadOwners.read(leases: node.leases, nodes: node.nodes, partitions: node.layout.partitions)
        cached.withLock { $0 = (owners, .now) }
        return owners
    }

    /// Each stream's last sequence now: every write acknowledged before is at or below it.
    private func lastSequences() throws(NATSError) -> [String: UInt64] {
        var sequences: [String: UInt64] = [:]
        for name in node.layout.streamNames { sequences[name] = try node.jetStream.streamState(name)?.lastSequence ?? 0 }
        return sequences
    }
}

import Hummingbird
import LumenCluster
import NIOPosix

/// `GET /lumen/v1/cluster`: this node, the storage nodes alive, and every partition's owner, epoch, applied
/// sequence, lag and state (docs/cluster.md). Admin only once tokens are configured. A single node answers 404
/// with `{"error": "this node is not in a cluster …"}`: there is no cluster resource to show.
struct ClusterRoutes: Sendable {
    let node: ClusterNode?
    let tenants: TenantResolver

    func register(on router: Router<BasicRequestContext>) {
        router.get("/lumen/v1/cluster") { request, _ in
            try self.tenants.authorizeAdmin(request)
            guard let node = self.node else {
                throw APIError(
                    .notFound, "this node is not in a cluster (lumen serve --cluster nats://… joins one; docs/cluster.md)")
            }
            // The lease bucket and the streams' states are NATS requests, which block.
            do {
                let status = try await NIOThreadPool.singleton.runIfActive { try node.status() }
                return Response.json(status)
            } catch {
                throw APIError(.serviceUnavailable, "cannot read the cluster's state from NATS: \(error)",
                    retryAfterSeconds: 1)
            }
        }
    }
}

import Logging
import LumenCluster
import LumenEngine
import LumenModel
import LumenRules

extension LumenServer {
    /// Joins the configured cluster (docs/cluster.md), or nil for a single node. A storage node hands its store to
    /// the cluster, which applies the partitions it owns to it; the advertised URL defaults to the API's port on
    /// loopback. The memory ceiling holds for it too: its partition stores' heads count against `gate`, and it
    /// applies nothing while the gate refuses.
    static func joinCluster(
        _ configuration: ServerConfiguration, storage: Storage, gate: AdmissionGate, telemetry: SelfTelemetry,
        logger: Logger
    ) async throws -> ClusterNode? {
        guard var cluster = configuration.cluster else { return nil }
        if cluster.advertiseURL == nil { cluster.advertiseURL = "http://127.0.0.1:\(configuration.api.port)" }
        // A flushed head is served until every query that listed the shared blocks before the flush has read it.
        cluster.flushedHeadLinger = max(cluster.flushedHeadLinger, configuration.queryLimits.timeout + .seconds(5))
        let node = try await ClusterNode.start(
            configuration: cluster, storage: cluster.roles.contains(.storage) ? storage : nil,
            dataDirectory: configuration.dataDirectory, runsRules: !configuration.rules.isEmpty,
            metrics: ClusterMetrics(factory: telemetry.factory), limits: activeLimits(configuration.limits),
            mayFetch: { gate.mayApplyMore }, logger: logger)
        gate.countHeads { node.heldHeadBytes }
        return node
    }

    /// The limits the partitions' owners enforce cluster-wide, as each tenant's configuration sets them.
    static func activeLimits(_ limits: TenantLimits) -> @Sendable (Tenant) -> ActiveLimits {
        { tenant in
            let tenantLimits = limits.limits(for: tenant)
            return ActiveLimits(
                maxActiveSeries: tenantLimits.maxActiveSeries, maxActiveLogStreams: tenantLimits.maxActiveLogStreams)
        }
    }

    /// What a clustered node without the collector role answers a client's write.
    static func clientRefusal(_ cluster: ClusterNode?) -> IngestRefusal? {
        guard let cluster, !cluster.configuration.roles.contains(.collector) else { return nil }
        let roles = cluster.configuration.roles.sorted().map(\.rawValue).joined(separator: ", ")
        return IngestRefusal(
            .forbidden, "node \(cluster.configuration.node) is not a collector (roles: \(roles)): send to a collector node")
    }

    /// In a cluster, a rule group is evaluated only by the node holding its lease.
    static func ruleGate(_ cluster: ClusterNode?) -> RuleEvaluationGate? {
        guard let leases = cluster?.ruleLeases else { return nil }
        return { file, group in leases.mayEvaluate(file: file, group: group) }
    }
}

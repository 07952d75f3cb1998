import Logging
import LumenModel

/// The querier of a query node in a cluster: its own store's sources and, beside them, one `RemoteSource` per
/// other node that holds some of the request's data (`ReadPeers`), so that local and remote answers are merged,
/// deduped and limited by the one read path, as a single node's head and blocks are.
///
/// A node that fails, or that cannot be resolved, is reported to the query's `ReadScope`: the query fails
/// (default) or, with `partial`, leaves it out with a warning. Outside a scope it is logged and left out.
public struct FanOutQuerier: Querier {
    public let local: any Querier
    public let peers: any ReadPeers
    let logger: Logger

    public init(local: any Querier, peers: any ReadPeers, logger: Logger) {
        self.local = local
        self.peers = peers
        self.logger = logger
    }

    public func readSources(_ request: ReadRequest) -> ReadSources {
        let scope = ReadScope.current ?? ReadScope(partial: true) { [logger] message in
            logger.warning("a read outside a query left a node out: \(message)")
        }
        var sources = local.readSources(request)
        let nodes: [any RemoteNode]
        do {
            nodes = try peers.nodes(for: request, scope: scope)
        } catch {
            scope.nodeFailed("the nodes holding the data are unknown: \(error)")
            return sources
        }
        guard !nodes.isEmpty else { return sources }
        func remote(_ signal: RemoteFanOut.Signal) -> [RemoteSource] {
            let fanOut = RemoteFanOut(nodes: nodes, signal: signal, scope: scope)
            return nodes.indices.map { RemoteSource(fanOut: fanOut, node: $0) }
        }
        // Before the local sources: oldest first, and the other nodes' data is no newer than this one's.
        let metrics = remote(.metrics)
        sources.metrics.insert(contentsOf: metrics as [any MetricSource], at: 0)
        sources.exemplars.insert(contentsOf: metrics as [any ExemplarSource], at: 0)
        sources.logs.insert(contentsOf: remote(.logs) as [any LogSource], at: 0)
        sources.spans.insert(contentsOf: remote(.other) as [any SpanSource], at: 0)
        return sources
    }

    public func readFailed(_ error: BlockError) { local.readFailed(error) }
}

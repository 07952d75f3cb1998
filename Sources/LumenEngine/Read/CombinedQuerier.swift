import LumenModel

/// Several stores read as one: their sources side by side, merged and deduped by the one read path. A cluster
/// node reads so the shared block store, the partitions it owns and its own store (docs/cluster.md).
public struct CombinedQuerier: Querier {
    /// Oldest data first: where two hold the same sample, the first's value stays.
    public let parts: [any Querier]

    public init(_ parts: [any Querier]) {
        self.parts = parts
    }

    public func readSources(_ request: ReadRequest) -> ReadSources {
        var sources = ReadSources()
        for part in parts { sources.append(part.readSources(request)) }
        return sources
    }

    public func readFailed(_ error: BlockError) { parts.first?.readFailed(error) }
}

/// Blocks some other store keeps (the cluster's shared block store), read as a store: `blocks` names the blocks
/// to read for a request, oldest first; those of other tenants or outside the range are left out here. Their
/// records may also be in a head their owner still serves (`ReadSources.mayRepeat`).
public struct BlockListQuerier: Querier {
    let blocks: @Sendable (ReadRequest) -> [Block]
    let failed: @Sendable (BlockError) -> Void

    public init(
        blocks: @escaping @Sendable (ReadRequest) -> [Block], failed: @escaping @Sendable (BlockError) -> Void
    ) {
        self.blocks = blocks
        self.failed = failed
    }

    public func readSources(_ request: ReadRequest) -> ReadSources {
        var sources = ReadSources()
        sources.mayRepeat = true
        for block in blocks(request) where block.tenant == request.tenant && block.overlaps(request.from, request.to) {
            sources.add(block)
        }
        return sources
    }

    public func readFailed(_ error: BlockError) { failed(error) }
}

extension ReadSources {
    /// Adds another set's sources after this one's, signal by signal.
    mutating func append(_ other: ReadSources) {
        metrics += other.metrics
        exemplars += other.exemplars
        logs += other.logs
        spans += other.spans
        mayRepeat = mayRepeat || other.mayRepeat
    }

    /// Adds the parts a block has.
    mutating func add(_ block: Block) {
        if let part = block.metrics { metrics.append(part) }
        if let part = block.exemplars { exemplars.append(part) }
        if let part = block.logs { logs.append(part) }
        if let part = block.spans { spans.append(part) }
    }
}

import Logging
import LumenModel

/// Reads over everything the store holds: the head, a head being cut, and the tenant's blocks that overlap the
/// time range. A block that turns out damaged is logged and left out of the answer, never fatal.
extension Storage: Querier {
    public func readSources(_ request: ReadRequest) -> ReadSources {
        let (heads, blocks) = state.withLock { state in
            (
                state.handedOff.filter { $0.until > .now }.map(\.head) + (state.cutting.map { [$0.head] } ?? [])
                    + [state.head],
                state.blocks.filter { $0.tenant == request.tenant && $0.overlaps(request.from, request.to) }
            )
        }
        var sources = ReadSources()
        for block in blocks { sources.add(block) }
        for head in heads { sources.append(head.readSources(request)) }
        return sources
    }

    /// Logs and counts a damaged page the first time a read meets it, and warns of it in the answer of every read
    /// that leaves it out (the read's `ReadScope`, when one is bound).
    public func readFailed(_ error: BlockError) {
        ReadScope.current?.dataDamaged(error.damageWarning)
        guard damagedPages.record(error) else { return }
        var metadata: Logger.Metadata = [
            "block": "\(error.location?.block ?? "")", "signal": "\(error.location?.part ?? "")",
            "path": "\(error.path ?? "")", "offset": "\(error.offset.map(String.init) ?? "")", "error": "\(error)",
        ]
        if let range = error.timeRange {
            metadata["from"] = "\(BlockError.time(range.lowerBound))"
            metadata["to"] = "\(BlockError.time(range.upperBound))"
        }
        logger.error("a damaged block page was left out of answers; the rest of the block is read", metadata: metadata)
    }
}

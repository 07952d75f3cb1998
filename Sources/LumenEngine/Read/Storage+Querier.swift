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

    public func readFailed(_ error: BlockError) {
        logger.error("a block read failed; its data is left out of this answer", metadata: [
            "path": "\(error.path ?? "")", "error": "\(error)",
        ])
    }
}

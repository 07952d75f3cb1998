import LumenModel

/// Log reads: pages of every source, decoded newest first until the limit.
extension Querier {
    public func logs(_ request: ReadRequest) -> NewestFirst<LogRecord> {
        newestFirst(readSources(request).logs, request) { source throws(BlockError) in try source.pages(request) }
    }

    public func logLines(_ request: ReadRequest, sizes: Bool) -> [LogStreamLines] {
        LogStreamLines.merged(readSources(request).logs.flatMap { source in
            answer({ () throws(BlockError) in try source.lines(request, sizes: sizes) }) ?? []
        })
    }

    public func logLabelNames(_ request: ReadRequest) -> [String] {
        union(readSources(request).logs.map { $0.labelNames(request) })
    }

    public func logLabelValues(_ name: String, _ request: ReadRequest) -> [String] {
        union(readSources(request).logs.map { $0.labelValues(name, request) })
    }
}

import LumenModel

/// Log reads: pages of every source, decoded newest first until the limit.
extension Querier {
    public func logs(_ request: ReadRequest) -> InTimeOrder<LogRecord> {
        newestFirst(readSources(request).logs, request) { source throws(BlockError) in try source.pages(request) }
    }

    public func logLines(_ request: ReadRequest, sizes: Bool) -> [LogStreamLines] {
        let all = readSources(request)
        let sources = all.logs
        // Two nodes' stores may both hold a record (a partition's new owner applies its stream from the start
        // while the old owner keeps its copy), and line times cannot tell copies apart: across nodes, the lines
        // are those of the records, each once, as a log query reads them.
        if all.mayRepeat || sources.contains(where: { $0 is RemoteSource }) {
            let records = anyOrder(sources) { source throws(BlockError) in try source.pages(request) }
            return LogStreamLines.of(records, request, sizes: sizes)
        }
        // Source by source, stopping once past what the reader wants (a query's budget).
        var read: [LogStreamLines] = []
        var lines = 0
        for source in sources where lines <= request.wanted {
            let part = answer({ () throws(BlockError) in try source.lines(request, sizes: sizes) { readFailed($0) } })
            read += part ?? []
            lines += part?.reduce(0) { $0 + $1.times.count } ?? 0
        }
        return LogStreamLines.merged(read)
    }

    public func logLabelNames(_ request: ReadRequest) -> [String] {
        union(readSources(request).logs.map { $0.labelNames(request) })
    }

    public func logLabelValues(_ name: String, _ request: ReadRequest) -> [String] {
        union(readSources(request).logs.map { $0.labelValues(name, request) })
    }
}

import LumenModel

/// Merges the span parts of several blocks into one, page by page (`BlockMerge`): a k-way merge of the sources'
/// pages in the part's order — trace ID, then start (`SpanPartWriter.precedes`) — written by a `SpanPartWriter` as
/// its pages fill. Memory holds one decoded page per source, one page being written, the index and the trace
/// filter. A span whose key (trace and span ID) was written already is kept once.
enum SpanPartMerge {
    /// Writes the merge of `parts` — each a reader and how many traces it holds, which sizes the trace filter — as
    /// the part at `directory` and returns its statistics. A damaged page of a source throws its `BlockError`,
    /// naming that source's page file and the page's offset.
    static func write(
        _ parts: [(reader: SpanPartReader, traces: Int)], tenant: Tenant, level: Int32, to directory: String
    ) throws(BlockError) -> SpanPartWriter.Statistics {
        var writer = try SpanPartWriter(
            directory: directory, tenant: tenant, level: level, traces: parts.reduce(0) { $0 + $1.traces })
        var spans = PageMerge(parts.map { part in
            let pages = part.reader.index.pages
            return (pages.count, { (page: Int) throws(BlockError) in try part.reader.spans(in: pages[page]) })
        }, by: SpanPartWriter.precedes)
        try spans.forEachOnce(group: \.traceID, key: \.spanID) { span throws(BlockError) in try writer.append(span) }
        return try writer.finish()
    }
}

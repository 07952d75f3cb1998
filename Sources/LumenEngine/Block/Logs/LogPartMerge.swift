import LumenModel

/// Merges the log parts of several blocks into one, page by page (`BlockMerge`): each stream of any of them, in
/// label order, is a k-way merge of the sources' pages of that stream in time order (`PageMerge`), written by a
/// `LogPartWriter` as its pages fill. Memory holds one decoded page per source, one page being written, and the
/// indexes. A record equal to an earlier one in stream, time and body is kept once, as the head keeps it
/// (`LogHead.append`): a delivery retried across a head cut lands in two blocks.
enum LogPartMerge {
    /// Writes the merge of `parts` as the part at `directory` and returns its statistics. A damaged page of a source
    /// throws its `BlockError`, naming that source's page file and the page's offset.
    static func write(_ parts: [LogPartReader], tenant: Tenant, level: Int32, to directory: String)
        throws(BlockError) -> LogPartWriter.Statistics
    {
        var sources: [Labels: [(part: LogPartReader, pages: [LogPart.PageEntry])]] = [:]
        for part in parts {
            for stream in part.streams { sources[stream.labels, default: []].append((part, stream.pages)) }
        }
        var writer = try LogPartWriter(directory: directory, tenant: tenant, level: level)
        for labels in sources.keys.sorted() {
            try writer.startStream(labels)
            var records = PageMerge(sources[labels]!.map { source in
                (source.pages.count, { (page: Int) throws(BlockError) in try source.part.records(in: source.pages[page]) })
            }) { $0.time < $1.time }
            try records.forEachOnce(group: \.time, key: \.body) { record throws(BlockError) in try writer.append(record) }
        }
        return try writer.finish()
    }
}

import LumenModel

/// Writes the log part of a block: each stream's records in time order, cut into compressed column pages, and
/// an index of streams → pages with each page's time range and filters.
public struct LogPartWriter {
    public struct Statistics: Codable, Hashable, Sendable {
        public var streams = 0
        public var records = 0
        public var pages = 0
    }

    /// The two files' bytes for `streams`.
    static func encode(_ streams: [(labels: Labels, records: [LogRecord])], tenant: Tenant, level: Int32)
        -> (pages: [UInt8], index: [UInt8], statistics: Statistics)
    {
        var file = PageFile.Writer(magic: LogPart.pagesMagic, level: level)
        var entries: [LogPart.StreamEntry] = []
        var templates = LogTemplateTable()
        var statistics = Statistics()
        for stream in streams.sorted(by: { $0.labels < $1.labels }) where !stream.records.isEmpty {
            let records = stream.records.sorted { $0.time < $1.time }
            var entry = LogPart.StreamEntry(labels: stream.labels, pages: [])
            var start = 0
            while start < records.count {
                var end = start
                var lineBytes = 0
                while end < records.count, end - start < LogPart.maxRecordsPerPage,
                    lineBytes < LogPart.maxLineBytesPerPage
                {
                    lineBytes += records[end].line.utf8.count
                    end += 1
                }
                let page = records[start..<end]
                entry.pages.append(pageEntry(page, offset: file.append(LogPage.encode(page, templates: &templates))))
                start = end
            }
            statistics.streams += 1
            statistics.records += records.count
            statistics.pages += entry.pages.count
            entries.append(entry)
        }
        let templatesOffset = templates.isEmpty ? nil : file.append(templates.bytes)
        return (file.bytes, encodeIndex(LogPart.Index(
            tenant: tenant.id, streams: entries, templatesOffset: templatesOffset)), statistics)
    }

    private static func pageEntry(_ records: ArraySlice<LogRecord>, offset: Int) -> LogPart.PageEntry {
        var trigrams = Set<UInt64>()
        var traces = Set<UInt64>()
        for record in records {
            BloomFilter.trigramHashes(record.line.utf8, into: &trigrams)
            if let traceID = record.traceID { traces.insert(BloomFilter.hash(traceID)) }
        }
        var lineFilter = BloomFilter(capacity: trigrams.count, bitsPerItem: BloomFilter.trigramBitsPerItem)
        for hash in trigrams { lineFilter.insert(hash) }
        var traceFilter = BloomFilter(capacity: traces.count)
        for hash in traces { traceFilter.insert(hash) }
        return LogPart.PageEntry(
            offset: offset, records: records.count, minTime: records.first!.time, maxTime: records.last!.time,
            lineFilter: lineFilter, traceFilter: traceFilter)
    }

    static func encodeIndex(_ index: LogPart.Index) -> [UInt8] {
        var out = ByteWriter(capacity: 4096)
        out.bytes += LogPart.indexMagic + [LogPart.version, 0, 0, 0]
        out.string(index.tenant ?? "")
        out.count(index.templatesOffset ?? 0)
        out.count(index.streams.count)
        for stream in index.streams {
            out.labels(stream.labels)
            out.count(stream.pages.count)
            for page in stream.pages {
                out.count(page.offset)
                out.count(page.records)
                out.varint(page.minTime)
                out.varint(page.maxTime &- page.minTime)
                page.lineFilter.write(to: &out)
                page.traceFilter.write(to: &out)
            }
        }
        IndexFile.seal(&out)
        return out.bytes
    }
}

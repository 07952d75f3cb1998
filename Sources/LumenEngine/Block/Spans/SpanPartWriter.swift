import LumenModel

/// Writes the span part of a block: spans grouped by trace (sorted by trace ID, then start) into compressed
/// column pages, and an index of the pages' trace-ID ranges, times and durations plus a filter of trace IDs.
public struct SpanPartWriter {
    public struct Statistics: Codable, Hashable, Sendable {
        public var traces = 0
        public var spans = 0
        public var pages = 0
    }

    static func encode(_ spans: [Span], tenant: Tenant, level: Int32) -> (pages: [UInt8], index: [UInt8], statistics: Statistics) {
        var file = PageFile.Writer(magic: SpanPart.pagesMagic, level: level)
        var dictionary: [UInt8] = []
        var traceHashes = Set<UInt64>()
        var entries: [SpanPart.PageEntry] = []
        for page in pages(of: spans) {
            for span in page { traceHashes.insert(BloomFilter.hash(span.traceID)) }
            let encoded = SpanPage.encode(page)
            if entries.isEmpty { dictionary = Array(encoded.bytes[..<encoded.tablesSize]) }
            entries.append(SpanPart.PageEntry(
                offset: file.append(encoded.bytes, dictionary: dictionary), spans: page.count,
                firstTraceID: page.first!.traceID, lastTraceID: page.last!.traceID,
                minStart: page.lazy.map(\.startTime).min()!, maxStart: page.lazy.map(\.startTime).max()!,
                minDuration: page.lazy.map(\.duration).min()!, maxDuration: page.lazy.map(\.duration).max()!))
        }
        var filter = BloomFilter(capacity: traceHashes.count)
        for hash in traceHashes { filter.insert(hash) }
        let statistics = Statistics(traces: traceHashes.count, spans: spans.count, pages: entries.count)
        let index = SpanPart.Index(tenant: tenant.id, dictionary: dictionary, traceFilter: filter, pages: entries)
        return (file.bytes, encodeIndex(index), statistics)
    }

    /// `spans` sorted by trace ID, then start, and cut into pages between traces.
    static func pages(of spans: [Span]) -> [ArraySlice<Span>] {
        let sorted = spans.sorted {
            ($0.traceID, $0.startTime, $0.spanID.value) < ($1.traceID, $1.startTime, $1.spanID.value)
        }
        var pages: [ArraySlice<Span>] = []
        var start = 0
        while start < sorted.count {
            var end = start + 1
            // Extend to whole traces while the page has room; a trace bigger than a page is split.
            while end < sorted.count,
                end - start < SpanPart.maxSpansPerPage || sorted[end].traceID == sorted[end - 1].traceID
                    && end - start < 8 * SpanPart.maxSpansPerPage
            {
                end += 1
            }
            pages.append(sorted[start..<end])
            start = end
        }
        return pages
    }

    static func encodeIndex(_ index: SpanPart.Index) -> [UInt8] {
        var out = ByteWriter(capacity: 1024 + index.pages.count * 64)
        out.bytes += SpanPart.indexMagic + [SpanPart.version, 0, 0, 0]
        out.string(index.tenant ?? "")
        out.blob(index.dictionary)
        index.traceFilter.write(to: &out)
        out.count(index.pages.count)
        for page in index.pages {
            out.count(page.offset)
            out.count(page.spans)
            out.traceID(page.firstTraceID)
            out.traceID(page.lastTraceID)
            out.varint(page.minStart)
            out.varint(page.maxStart &- page.minStart)
            out.varint(page.minDuration)
            out.varint(page.maxDuration &- page.minDuration)
        }
        IndexFile.seal(&out)
        return out.bytes
    }
}

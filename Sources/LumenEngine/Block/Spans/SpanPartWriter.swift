import LumenModel

/// Writes the span part of a block as it goes: spans in the part's order (trace ID, then start) cut into
/// compressed column pages between traces, appended to the page file as they fill (`PageFile.FileWriter`), then an
/// index of the pages' trace-ID ranges, times and durations plus a filter of trace IDs. Memory holds one page of
/// spans, the index and the filter, however big the part. Head cuts (`write(_:tenant:level:to:)`) and merges
/// (`SpanPartMerge`) both write through it.
public struct SpanPartWriter {
    public struct Statistics: Codable, Hashable, Sendable {
        public var traces = 0
        public var spans = 0
        public var pages = 0
    }

    private let directory: String
    private let tenant: Tenant
    private let file: PageFile.FileWriter
    /// What every page is compressed against: the first page's tables.
    private var dictionary: [UInt8] = []
    private var traceFilter: BloomFilter
    private var pages: [SpanPart.PageEntry] = []
    private var page: [Span] = []
    private var lastTraceID: TraceID?
    private(set) var statistics = Statistics()

    /// Creates the part's directory, which must not exist, and its page file. `traces` is about how many distinct
    /// traces will come, what the trace filter is sized for (more only lowers its false positives, fewer raises them).
    init(directory: String, tenant: Tenant, level: Int32, traces: Int) throws(BlockError) {
        try BlockFile.makeDirectory(directory)
        file = try PageFile.FileWriter(
            path: directory + "/" + SpanPart.pagesFileName, magic: SpanPart.pagesMagic, level: level)
        traceFilter = BloomFilter(capacity: traces)
        self.directory = directory
        self.tenant = tenant
    }

    /// Writes `spans` (in any order) as the part at `directory`: a head cut. Sorts their positions, not a copy of
    /// them: beside the head it cuts, a cut needs 8 bytes a span, not the spans again.
    static func write(_ spans: [Span], tenant: Tenant, level: Int32, to directory: String) throws(BlockError)
        -> Statistics
    {
        let order = spans.indices.sorted { precedes(spans[$0], spans[$1]) }
        let boundaries = zip(order, order.dropFirst()).count { spans[$0].traceID != spans[$1].traceID }
        let traces = order.isEmpty ? 0 : boundaries + 1
        var writer = try SpanPartWriter(directory: directory, tenant: tenant, level: level, traces: traces)
        for index in order { try writer.append(spans[index]) }
        return try writer.finish()
    }

    /// The part's order: by trace ID, then start, then span ID.
    static func precedes(_ lhs: Span, _ rhs: Span) -> Bool {
        (lhs.traceID, lhs.startTime, lhs.spanID.value) < (rhs.traceID, rhs.startTime, rhs.spanID.value)
    }

    /// Whether a page of `count` spans whose last is of trace `last` takes a span of trace `next`: pages are cut
    /// between traces once they hold `SpanPart.maxSpansPerPage` spans; a bigger trace is split at 8 times that.
    static func page(of count: Int, endingWith last: TraceID, takes next: TraceID) -> Bool {
        count < SpanPart.maxSpansPerPage || next == last && count < 8 * SpanPart.maxSpansPerPage
    }

    /// Appends the next span in the part's order (`precedes`).
    mutating func append(_ span: Span) throws(BlockError) {
        if let last = page.last, !Self.page(of: page.count, endingWith: last.traceID, takes: span.traceID) {
            try cutPage()
        }
        if span.traceID != lastTraceID {
            lastTraceID = span.traceID
            traceFilter.insert(BloomFilter.hash(span.traceID))
            statistics.traces += 1
        }
        page.append(span)
        statistics.spans += 1
    }

    /// Writes the last page and the index, makes the part durable and returns its statistics.
    mutating func finish() throws(BlockError) -> Statistics {
        try cutPage()
        try file.finish()
        let index = SpanPart.Index(tenant: tenant.id, dictionary: dictionary, traceFilter: traceFilter, pages: pages)
        try BlockFile.writeDurably(Self.encodeIndex(index), to: directory + "/" + SpanPart.indexFileName)
        try BlockFile.syncDirectory(directory)
        return statistics
    }

    /// Writes the page being filled, if it has spans.
    private mutating func cutPage() throws(BlockError) {
        guard !page.isEmpty else { return }
        let encoded = SpanPage.encode(page[...])
        if pages.isEmpty { dictionary = Array(encoded.bytes[..<encoded.tablesSize]) }
        pages.append(SpanPart.PageEntry(
            offset: try file.append(encoded.bytes, dictionary: dictionary), spans: page.count,
            firstTraceID: page.first!.traceID, lastTraceID: page.last!.traceID,
            minStart: page.lazy.map(\.startTime).min()!, maxStart: page.lazy.map(\.startTime).max()!,
            minDuration: page.lazy.map(\.duration).min()!, maxDuration: page.lazy.map(\.duration).max()!))
        statistics.pages += 1
        page.removeAll(keepingCapacity: true)
    }

    /// `spans` sorted in the part's order and cut into pages as `append` cuts them.
    static func pages(of spans: [Span]) -> [ArraySlice<Span>] {
        let sorted = spans.sorted(by: precedes)
        var pages: [ArraySlice<Span>] = []
        var start = 0
        while start < sorted.count {
            var end = start + 1
            while end < sorted.count, page(of: end - start, endingWith: sorted[end - 1].traceID, takes: sorted[end].traceID) {
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

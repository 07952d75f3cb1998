import LumenModel

/// Writes the log part of a block as it goes: each stream's records in time order, cut into compressed column
/// pages that are appended to the page file as they fill (`PageFile.FileWriter`), then the template table and an
/// index of streams → pages with each page's time range and filters. Memory holds one page of records, the index
/// and the template table, however big the part. Head cuts (`write(_:tenant:level:to:)`) and merges
/// (`LogPartMerge`) both write through it.
public struct LogPartWriter {
    public struct Statistics: Codable, Hashable, Sendable {
        public var streams = 0
        public var records = 0
        public var pages = 0
    }

    private let directory: String
    private let tenant: Tenant
    private let file: PageFile.FileWriter
    private var templates = LogTemplateTable()
    private var streams: [LogPart.StreamEntry] = []
    /// The stream `startStream` began, until its first record gives it an entry: a stream without records is left out.
    private var startedStream: Labels?
    private var page: [LogRecord] = []
    private var pageLineBytes = 0
    private(set) var statistics = Statistics()

    /// Creates the part's directory, which must not exist, and its page file.
    init(directory: String, tenant: Tenant, level: Int32) throws(BlockError) {
        try BlockFile.makeDirectory(directory)
        file = try PageFile.FileWriter(
            path: directory + "/" + LogPart.pagesFileName, magic: LogPart.pagesMagic, level: level)
        self.directory = directory
        self.tenant = tenant
    }

    /// Writes `streams` (in any order, their records in any order) as the part at `directory`: a head cut. Sorts
    /// records' positions, not a copy of them: beside the head it cuts, a cut needs 8 bytes a record at most.
    static func write(
        _ streams: [(labels: Labels, records: [LogRecord])], tenant: Tenant, level: Int32, to directory: String
    ) throws(BlockError) -> Statistics {
        var writer = try LogPartWriter(directory: directory, tenant: tenant, level: level)
        for stream in streams.sorted(by: { $0.labels < $1.labels }) {
            try writer.startStream(stream.labels)
            let records = stream.records
            if zip(records, records.dropFirst()).allSatisfy({ $0.time <= $1.time }) {
                for record in records { try writer.append(record) }
            } else {
                let order = records.indices.sorted { (records[$0].time, $0) < (records[$1].time, $1) }
                for index in order { try writer.append(records[index]) }
            }
        }
        return try writer.finish()
    }

    /// Begins the next stream. Streams come in label order, each once.
    mutating func startStream(_ labels: Labels) throws(BlockError) {
        try cutPage()
        startedStream = labels
    }

    /// Appends a record to the current stream; its records come in time order. A page is cut after
    /// `LogPart.maxRecordsPerPage` records or once it holds `LogPart.maxLineBytesPerPage` of lines.
    mutating func append(_ record: LogRecord) throws(BlockError) {
        if let labels = startedStream {
            streams.append(LogPart.StreamEntry(labels: labels, pages: []))
            statistics.streams += 1
            startedStream = nil
        }
        page.append(record)
        pageLineBytes += record.line.utf8.count
        statistics.records += 1
        if page.count >= LogPart.maxRecordsPerPage || pageLineBytes >= LogPart.maxLineBytesPerPage { try cutPage() }
    }

    /// Writes the last page, the template table and the index, makes the part durable and returns its statistics.
    mutating func finish() throws(BlockError) -> Statistics {
        try cutPage()
        var templatesOffset: Int?
        if !templates.isEmpty { templatesOffset = try file.append(templates.bytes) }
        try file.finish()
        let index = LogPart.Index(tenant: tenant.id, streams: streams, templatesOffset: templatesOffset)
        try BlockFile.writeDurably(Self.encodeIndex(index), to: directory + "/" + LogPart.indexFileName)
        try BlockFile.syncDirectory(directory)
        return statistics
    }

    /// Writes the page being filled, if it has records, to the current stream.
    private mutating func cutPage() throws(BlockError) {
        guard !page.isEmpty else { return }
        let offset = try file.append(LogPage.encode(page[...], templates: &templates))
        streams[streams.count - 1].pages.append(Self.pageEntry(page[...], offset: offset))
        statistics.pages += 1
        page.removeAll(keepingCapacity: true)
        pageLineBytes = 0
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

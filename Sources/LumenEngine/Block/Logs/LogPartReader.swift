import LumenModel

/// Answers log reads from a block's log part. The index is read whole at open; pages are decompressed only when
/// their stream is selected, their time range overlaps and their filters do not rule them out.
/// Immutable after `init`: one reader serves any number of concurrent queries.
final class LogPartReader: Sendable {
    let streams: [LogPart.StreamEntry]
    private let postings: Postings
    private let pages: PageFile.Reader
    /// The templates of the part's templated pages, read at open.
    private let templates: LogTemplates?
    private let version: UInt8

    init(directory: String) throws(BlockError) {
        let index = try IndexFile.read(
            directory + "/" + LogPart.indexFileName, magic: LogPart.indexMagic, versions: LogPart.readableVersions
        ) { reader, version throws(BatchRecordError) in try Self.parseIndex(&reader, version: version) }
        version = index.version
        var postings = Postings()
        for (id, stream) in index.streams.enumerated() { postings.add(id: id, labels: stream.labels) }
        streams = index.streams
        self.postings = postings
        let pages = try PageFile.Reader(path: directory + "/" + LogPart.pagesFileName, magic: LogPart.pagesMagic)
        self.pages = pages
        if let offset = index.templatesOffset {
            let bytes = try pages.page(at: offset)
            do {
                templates = try LogTemplates(bytes)
            } catch {
                throw BlockError(.corrupt, "log templates: \(error.message) (byte \(error.offset))", path: pages.path,
                    offset: offset)
            }
        } else {
            templates = nil
        }
    }

    func labelNames() -> [String] { postings.names }
    func labelValues(_ name: String) -> [String] { postings.values(of: name) }

    /// Records of the selected streams in `[from, to]` that pass `filter`, newest first, at most `limit`.
    /// `lineContains` prunes: pages whose line filter rules out one of its strings are not read, and rows of the
    /// others whose string body lacks one are not built; `filter` decides on the rest. Pages are read newest
    /// first, a group at a time on every core, and reading stops once no unread page can hold a record newer
    /// than the `limit` found.
    func logs(
        matching matchers: [LabelMatcher], from: Int64, to: Int64, limit: Int, lineContains: [String],
        filter: (LogRecord) -> Bool
    ) throws(BlockError) -> [LogRecord] {
        let lineFilter = LogLineFilter(lineContains.map { Array($0.utf8) }, templates: templates)
        let candidates = pages(matching: matchers, from: from, to: to, lineContains: lineContains).map(\.page)
        return try ConcurrentPages.newest(
            candidates, newest: \.maxTime, limit: limit, from: from, to: to, time: \.time,
            decode: { page throws(BlockError) in try self.records(at: page.offset, lineContains: lineFilter) },
            filter: filter)
    }

    /// Each selected stream's lines in `[from, to]` that contain every string of `lineContains`, as times and
    /// (with `sizes`) sizes: pages are pruned as `logs` prunes them, then decoded on every core, reading only
    /// their time and body columns.
    func lines(
        matching matchers: [LabelMatcher], from: Int64, to: Int64, lineContains: [String], sizes: Bool
    ) throws(BlockError) -> [LogStreamLines] {
        let filter = LogLineFilter(lineContains.map { Array($0.utf8) }, templates: templates)
        let wanted = pages(matching: matchers, from: from, to: to, lineContains: lineContains)
        var result: [LogStreamLines] = []
        var positions: [Int: Int] = [:]  // stream → its place in `result`
        let decoded = try wanted.concurrentMap(minimumPerThread: 1) { wanted throws(BlockError) in
            try self.lines(at: wanted.page.offset, lineContains: filter, sizes: sizes)
        }
        for (page, lines) in zip(wanted, decoded) {
            let position = positions[page.stream] ?? result.count
            if position == result.count {
                positions[page.stream] = position
                result.append(LogStreamLines(labels: streams[page.stream].labels))
            }
            for (index, time) in lines.times.enumerated() where time >= from && time <= to {
                result[position].append(time: time, size: sizes ? lines.sizes[index] : nil)
            }
        }
        return result
    }

    /// The pages of the streams `matchers` select that overlap `[from, to]` and whose line filter admits every
    /// string of `lineContains`, with the stream each belongs to.
    private func pages(matching matchers: [LabelMatcher], from: Int64, to: Int64, lineContains: [String])
        -> [(stream: Int, page: LogPart.PageEntry)]
    {
        postings.select(matchers, count: streams.count).flatMap { id in
            streams[id].pages.filter {
                $0.maxTime >= from && $0.minTime <= to && lineContains.allSatisfy($0.lineFilter.mayContainSubstring)
            }.map { (id, $0) }
        }
    }

    /// Every record carrying `traceID`.
    func records(of traceID: TraceID) throws(BlockError) -> [LogRecord] {
        let hash = BloomFilter.hash(traceID)
        var found: [LogRecord] = []
        for stream in streams {
            for page in stream.pages where page.traceFilter.mayContain(hash) {
                found += try records(at: page.offset).filter { $0.traceID == traceID }
            }
        }
        return found
    }

    /// Every stream with all its records: what compaction merges.
    func allStreams() throws(BlockError) -> [(labels: Labels, records: [LogRecord])] {
        var result: [(labels: Labels, records: [LogRecord])] = []
        for stream in streams {
            var records: [LogRecord] = []
            for page in stream.pages { records += try self.records(at: page.offset) }
            result.append((stream.labels, records))
        }
        return result
    }

    private func records(at offset: Int, lineContains filter: LogLineFilter = .none) throws(BlockError)
        -> [LogRecord]
    {
        try page(at: offset) { bytes throws(BatchRecordError) in
            try LogPage.decode(bytes, version: version, templates: templates, lineContains: filter)
        }
    }

    private func lines(at offset: Int, lineContains filter: LogLineFilter, sizes: Bool) throws(BlockError)
        -> (times: [Int64], sizes: [Int])
    {
        try page(at: offset) { bytes throws(BatchRecordError) in
            try LogPage.lines(bytes, version: version, templates: templates, lineContains: filter, sizes: sizes)
        }
    }

    /// The page at `offset`, decompressed and decoded by `decode`; a decoding error names the page.
    private func page<Decoded>(at offset: Int, _ decode: ([UInt8]) throws(BatchRecordError) -> Decoded)
        throws(BlockError) -> Decoded
    {
        let bytes = try pages.page(at: offset)
        do {
            return try decode(bytes)
        } catch {
            throw BlockError(.corrupt, "log page at \(offset): \(error.message) (byte \(error.offset) of the page)",
                path: pages.path, offset: offset)
        }
    }

    static func parseIndex(_ reader: inout ByteReader, version: UInt8) throws(BatchRecordError) -> LogPart.Index {
        let templatesOffset = version >= 2 ? try reader.int("templates offset") : 0
        var streams: [LogPart.StreamEntry] = []
        for _ in 0..<(try reader.count("stream")) {
            let labels = try reader.labels()
            var pages: [LogPart.PageEntry] = []
            for _ in 0..<(try reader.count("page", minimumSize: 6)) {
                let offset = try reader.int("page offset")
                let records = try reader.int("page records")
                let minTime = try reader.varint("page min time")
                let maxTime = minTime &+ (try reader.varint("page time span"))
                let lineFilter = try BloomFilter(from: &reader)
                let traceFilter = try BloomFilter(from: &reader)
                pages.append(.init(offset: offset, records: records, minTime: minTime, maxTime: maxTime,
                    lineFilter: lineFilter, traceFilter: traceFilter))
            }
            streams.append(.init(labels: labels, pages: pages))
        }
        return LogPart.Index(
            version: version, streams: streams, templatesOffset: templatesOffset == 0 ? nil : templatesOffset)
    }
}

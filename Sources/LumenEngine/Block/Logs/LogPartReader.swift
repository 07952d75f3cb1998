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
    /// The tenant the index records (nil before version 3).
    let tenant: String?

    init(directory: String) throws(BlockError) {
        let index = try IndexFile.read(
            directory + "/" + LogPart.indexFileName, magic: LogPart.indexMagic, versions: LogPart.readableVersions
        ) { reader, version throws(BatchRecordError) in try Self.parseIndex(&reader, version: version) }
        version = index.version
        tenant = index.tenant
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

    /// The pages of the streams `request.matchers` select that overlap the range and whose line filter admits
    /// every `lineContains` string, with the stream each belongs to.
    private func candidatePages(_ request: ReadRequest) -> [(stream: Int, page: LogPart.PageEntry)] {
        postings.select(request.matchers).flatMap { id in
            streams[id].pages.filter {
                request.overlaps($0.minTime, $0.maxTime)
                    && request.lineContains.allSatisfy($0.lineFilter.mayContainSubstring)
            }.map { (id, $0) }
        }
    }

    /// Every record carrying `traceID` (a part holds one tenant's: the request names no more). A damaged page is
    /// reported to `skipDamaged` and left out.
    func records(of traceID: TraceID, _ request: ReadRequest, skipDamaged: (BlockError) -> Void) -> [LogRecord] {
        let hash = BloomFilter.hash(traceID)
        var found: [LogRecord] = []
        for stream in streams {
            for page in stream.pages where page.traceFilter.mayContain(hash) {
                do throws(BlockError) {
                    found += try records(at: page.offset).filter { $0.traceID == traceID }
                } catch {
                    skipDamaged(error.covering(page.minTime, page.maxTime))
                }
            }
        }
        return found
    }

    /// Every stream with all its records.
    func allStreams() throws(BlockError) -> [(labels: Labels, records: [LogRecord])] {
        var result: [(labels: Labels, records: [LogRecord])] = []
        for stream in streams {
            var records: [LogRecord] = []
            for page in stream.pages { records += try self.records(in: page) }
            result.append((stream.labels, records))
        }
        return result
    }

    /// The records of one page: what a merge reads, a page at a time (`LogPartMerge`).
    func records(in page: LogPart.PageEntry) throws(BlockError) -> [LogRecord] {
        try records(at: page.offset)
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
        let tenant = version >= 3 ? try reader.string("tenant") : nil
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
            version: version, tenant: tenant, streams: streams, templatesOffset: templatesOffset == 0 ? nil : templatesOffset)
    }
}

/// The part as a read source: pages pruned by stream, time and line filters, decoded when the querier gets to
/// them; of a decoded page, only the rows in the range whose string body holds every `lineContains` string.
extension LogPartReader: LogSource {
    func pages(_ request: ReadRequest) -> [SourcePage<LogRecord>] {
        let filter = LogLineFilter(request.needles, templates: templates)
        return candidatePages(request).map { wanted in
            SourcePage(newest: wanted.page.maxTime, oldest: wanted.page.minTime, stream: streams[wanted.stream].labels) {
                () throws(BlockError) in
                do throws(BlockError) {
                    return try self.records(at: wanted.page.offset, lineContains: filter).filter {
                        $0.time >= request.from && $0.time <= request.to
                    }
                } catch {
                    throw error.covering(wanted.page.minTime, wanted.page.maxTime)
                }
            }
        }
    }

    /// Pages are pruned as `candidatePages` prunes them, then decoded on every core, reading only their time
    /// and body columns. A damaged page is reported to `skipDamaged` and left out.
    func lines(_ request: ReadRequest, sizes: Bool, skipDamaged: (BlockError) -> Void) -> [LogStreamLines] {
        let filter = LogLineFilter(request.needles, templates: templates)
        let wanted = candidatePages(request)
        var result: [LogStreamLines] = []
        var positions: [Int: Int] = [:]  // stream → its place in `result`
        let decoded = wanted.concurrentMap(minimumPerThread: 1) { wanted in
            Result { () throws(BlockError) in try self.lines(at: wanted.page.offset, lineContains: filter, sizes: sizes) }
        }
        for (page, outcome) in zip(wanted, decoded) {
            let lines: (times: [Int64], sizes: [Int])
            switch outcome {
            case .success(let decoded): lines = decoded
            case .failure(let error):
                skipDamaged(error.covering(page.page.minTime, page.page.maxTime))
                continue
            }
            let position = positions[page.stream] ?? result.count
            if position == result.count {
                positions[page.stream] = position
                result.append(LogStreamLines(labels: streams[page.stream].labels))
            }
            for (index, time) in lines.times.enumerated() where time >= request.from && time <= request.to {
                result[position].append(time: time, size: sizes ? lines.sizes[index] : nil)
            }
        }
        return result
    }

    func labelNames(_ request: ReadRequest) -> [String] { postings.labelNames }

    func labelValues(_ name: String, _ request: ReadRequest) -> [String] { postings.labelValues(name) }
}

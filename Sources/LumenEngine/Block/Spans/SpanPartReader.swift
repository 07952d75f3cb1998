import LumenModel

/// Answers span reads from a block's span part: a trace by ID reads only the page(s) holding it (filter, then a
/// binary search over the pages' trace-ID ranges); a search skips pages by their start-time range.
/// Immutable after `init`: one reader serves any number of concurrent queries.
final class SpanPartReader: Sendable {
    let index: SpanPart.Index
    private let pages: PageFile.Reader

    init(directory: String) throws(BlockError) {
        index = try IndexFile.read(
            directory + "/" + SpanPart.indexFileName, magic: SpanPart.indexMagic,
            versions: SpanPart.readableVersions
        ) { reader, version throws(BatchRecordError) in try Self.parseIndex(&reader, version: version) }
        pages = try PageFile.Reader(path: directory + "/" + SpanPart.pagesFileName, magic: SpanPart.pagesMagic)
    }

    /// The spans of every trace of `traceIDs` in this part that `prefilter` admits; each page holding some is
    /// read once, the pages on every core at once. A damaged page throws, or with `skipDamaged` is reported there
    /// (its error covering its start times) and left out.
    func traces(
        _ traceIDs: Set<TraceID>, prefilter: SpanPrefilter = .none, skipDamaged: ((BlockError) -> Void)? = nil
    ) throws(BlockError) -> [Span] {
        let wanted = traceIDs.filter { index.traceFilter.mayContain(BloomFilter.hash($0)) }
        var holding = Set<Int>()
        for traceID in wanted { holding.formUnion(pageRange(of: traceID)) }
        let pages = holding.sorted().map { index.pages[$0] }
        let decoded = pages.concurrentMap(minimumPerThread: 1) { page in
            Result { () throws(BlockError) in try self.decode(page, only: wanted, prefilter: prefilter) }
        }
        var spans: [Span] = []
        for (page, outcome) in zip(pages, decoded) {
            switch outcome {
            case .success(let found): spans += found
            case .failure(let error):
                guard let skipDamaged else { throw error }
                skipDamaged(error.covering(page.minStart, page.maxStart))
            }
        }
        return spans
    }

    /// The pages that may hold spans of `traceID`: the first whose last trace ID is not below it, and the
    /// ones after it that a split trace continues into.
    private func pageRange(of traceID: TraceID) -> Range<Int> {
        var low = 0
        var high = index.pages.count
        while low < high {
            let middle = (low + high) / 2
            if index.pages[middle].lastTraceID < traceID { low = middle + 1 } else { high = middle }
        }
        var end = low
        while end < index.pages.count, index.pages[end].firstTraceID <= traceID { end += 1 }
        return low..<end
    }

    /// Every span of the part.
    func allSpans() throws(BlockError) -> [Span] {
        var spans: [Span] = []
        for page in index.pages { spans += try decode(page) }
        return spans
    }

    /// The spans of one page: what a merge reads, a page at a time (`SpanPartMerge`).
    func spans(in page: SpanPart.PageEntry) throws(BlockError) -> [Span] {
        try decode(page)
    }

    private func decode(
        _ page: SpanPart.PageEntry, only traceIDs: Set<TraceID>? = nil, prefilter: SpanPrefilter = .none
    ) throws(BlockError) -> [Span] {
        try decode(page) { bytes throws(BatchRecordError) in
            try SpanPage.decode(bytes, only: traceIDs, prefilter: prefilter)
        }
    }

    /// `page`'s bytes, read and decompressed, decoded by `rows`; a page that fails to decode is corrupt.
    private func decode<Row>(
        _ page: SpanPart.PageEntry, _ rows: ([UInt8]) throws(BatchRecordError) -> [Row]
    ) throws(BlockError) -> [Row] {
        let bytes = try pages.page(at: page.offset, dictionary: index.dictionary)
        do {
            return try rows(bytes)
        } catch {
            throw BlockError(.corrupt, "span page at \(page.offset): \(error.message) (byte \(error.offset) of the page)",
                path: pages.path, offset: page.offset)
        }
    }

    static func parseIndex(_ reader: inout ByteReader, version: UInt8) throws(BatchRecordError) -> SpanPart.Index {
        let tenant = version >= 3 ? try reader.string("tenant") : nil
        let dictionary = try reader.blob("dictionary")
        let filter = try BloomFilter(from: &reader)
        var pages: [SpanPart.PageEntry] = []
        for _ in 0..<(try reader.count("page", minimumSize: 38)) {
            let offset = try reader.int("page offset")
            let spans = try reader.int("page spans")
            let first = try reader.traceID("first trace ID")
            let last = try reader.traceID("last trace ID")
            let minStart = try reader.varint("min start")
            let maxStart = minStart &+ (try reader.varint("start span"))
            let minDuration = try reader.varint("min duration")
            let maxDuration = minDuration &+ (try reader.varint("duration span"))
            pages.append(.init(offset: offset, spans: spans, firstTraceID: first, lastTraceID: last,
                minStart: minStart, maxStart: maxStart, minDuration: minDuration, maxDuration: maxDuration))
        }
        return SpanPart.Index(tenant: tenant, dictionary: dictionary, traceFilter: filter, pages: pages)
    }
}

/// The part as a read source: pages pruned by start time and by the prefilter's durations, decoded when the
/// querier gets to them, building only the rows the prefilter admits.
extension SpanPartReader: SpanSource {
    func pages(_ request: ReadRequest) -> [SourcePage<Span>] {
        pages(request) { page throws(BlockError) in
            try self.decode(page, prefilter: request.spanPrefilter).filter {
                $0.startTime >= request.from && $0.startTime <= request.to
            }
        }
    }

    /// The pages' call fields, read from their columns without building spans.
    func callPages(_ request: ReadRequest) -> [SourcePage<SpanCallFields>] {
        pages(request) { page throws(BlockError) in
            try self.decode(page) { bytes throws(BatchRecordError) in
                try SpanPage.decodeCalls(bytes, prefilter: request.spanPrefilter)
            }.filter { $0.startTime >= request.from && $0.startTime <= request.to }
        }
    }

    /// The pages the request may want, each decoded by `decode` when the querier gets to it.
    private func pages<Item>(
        _ request: ReadRequest, decode: @escaping @Sendable (SpanPart.PageEntry) throws(BlockError) -> [Item]
    ) -> [SourcePage<Item>] {
        let prefilter = request.spanPrefilter
        return index.pages.filter {
            request.overlaps($0.minStart, $0.maxStart)
                && $0.maxDuration >= prefilter.minDuration && $0.minDuration <= prefilter.maxDuration
        }.map { page in
            SourcePage(newest: page.maxStart, stream: nil) { () throws(BlockError) in
                do throws(BlockError) {
                    return try decode(page)
                } catch {
                    throw error.covering(page.minStart, page.maxStart)
                }
            }
        }
    }

    func spans(ofTraces ids: Set<TraceID>, _ request: ReadRequest, skipDamaged: (BlockError) -> Void)
        throws(BlockError) -> [Span]
    {
        try withoutActuallyEscaping(skipDamaged) { skip throws(BlockError) in
            try traces(ids, prefilter: request.spanPrefilter, skipDamaged: skip)
        }
    }
}

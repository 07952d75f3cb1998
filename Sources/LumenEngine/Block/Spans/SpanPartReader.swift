import LumenModel

/// Answers span reads from a block's span part: a trace by ID reads only the page(s) holding it (filter, then a
/// binary search over the pages' trace-ID ranges); a search skips pages by their start-time range.
/// Immutable after `init`: one reader serves any number of concurrent queries.
final class SpanPartReader: Sendable {
    let index: SpanPart.Index
    private let pages: PageFile.Reader

    init(directory: String) throws(BlockError) {
        index = try IndexFile.read(
            directory + "/" + SpanPart.indexFileName, magic: SpanPart.indexMagic, version: SpanPart.version
        ) { reader throws(BatchRecordError) in try Self.parseIndex(&reader) }
        pages = try PageFile.Reader(path: directory + "/" + SpanPart.pagesFileName, magic: SpanPart.pagesMagic)
    }

    /// The spans of `traceID` in this part.
    func trace(_ traceID: TraceID) throws(BlockError) -> [Span] {
        guard index.traceFilter.mayContain(BloomFilter.hash(traceID)) else { return [] }
        // The first page whose last trace ID is not below the wanted one; a split trace continues after it.
        var low = 0
        var high = index.pages.count
        while low < high {
            let middle = (low + high) / 2
            if index.pages[middle].lastTraceID < traceID { low = middle + 1 } else { high = middle }
        }
        var spans: [Span] = []
        while low < index.pages.count, index.pages[low].firstTraceID <= traceID {
            spans += try decode(index.pages[low], only: traceID)
            low += 1
        }
        return spans
    }

    /// Spans starting in `[from, to]` that pass `filter`, newest first, at most `limit`.
    func spans(from: Int64, to: Int64, limit: Int, filter: (Span) -> Bool) throws(BlockError) -> [Span] {
        var found: [Span] = []
        let candidates = index.pages.filter { $0.maxStart >= from && $0.minStart <= to }.sorted { $0.maxStart > $1.maxStart }
        for page in candidates {
            if found.count >= limit, let oldestKept = found.last?.startTime, page.maxStart < oldestKept { break }
            for span in try decode(page) where span.startTime >= from && span.startTime <= to && filter(span) {
                found.append(span)
            }
            found.sort { $0.startTime > $1.startTime }
            if found.count > limit { found.removeLast(found.count - limit) }
        }
        return found
    }

    /// Every span of the part: what compaction merges.
    func allSpans() throws(BlockError) -> [Span] {
        var spans: [Span] = []
        for page in index.pages { spans += try decode(page) }
        return spans
    }

    private func decode(_ page: SpanPart.PageEntry, only traceID: TraceID? = nil) throws(BlockError) -> [Span] {
        let bytes = try pages.page(at: page.offset, dictionary: index.dictionary)
        do {
            return try SpanPage.decode(bytes, only: traceID)
        } catch {
            throw BlockError(.corrupt, "span page at \(page.offset): \(error.message) (byte \(error.offset) of the page)",
                path: pages.path, offset: page.offset)
        }
    }

    private static func parseIndex(_ reader: inout ByteReader) throws(BatchRecordError) -> SpanPart.Index {
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
        return SpanPart.Index(dictionary: dictionary, traceFilter: filter, pages: pages)
    }
}

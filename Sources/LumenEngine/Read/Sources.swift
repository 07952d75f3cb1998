import LumenModel

/// The sources one read fans out over, each signal's oldest first (blocks by time, then the head being cut, then
/// the head): where two hold the same sample, the oldest's value stays.
public struct ReadSources: Sendable {
    var metrics: [any MetricSource] = []
    var exemplars: [any ExemplarSource] = []
    var logs: [any LogSource] = []
    var spans: [any SpanSource] = []
    /// Whether two of the sources may hold the same records (a shared block beside the head its owner flushed it
    /// from, `BlockListQuerier`): line counts then go through whole records, which the querier de-duplicates.
    var mayRepeat = false
}

/// Where a signal's data lives for reads: the head (`HeadSources`) and each block part implement these. Every
/// method takes the request whole and returns only the tenant's data in its time range, pruned by what the
/// request allows; merging sources, removing what two hold alike and applying the limit is the querier's.
/// A source is safe to call from any thread; a damaged block part throws, and the querier leaves it out. A
/// damaged page (or chunk) of a part that can otherwise be read is reported to the `skipDamaged` a method takes
/// and left out, so that the rest of the part still answers.
protocol MetricSource: Sendable {
    /// The series `request.matchers` select that have samples in the range, their samples not yet decoded.
    func series(_ request: ReadRequest) throws(BlockError) -> [SourceSeries]
    /// Label names of the series with data in the range, sorted.
    func labelNames(_ request: ReadRequest) -> [String]
    /// Values of `name` of the series with data in the range, sorted.
    func labelValues(_ name: String, _ request: ReadRequest) -> [String]
}

protocol ExemplarSource: Sendable {
    /// Exemplars in the range of the series `request.matchers` select, as series without samples.
    func exemplars(_ request: ReadRequest, skipDamaged: (BlockError) -> Void) throws(BlockError) -> [TimeSeries]
}

protocol LogSource: Sendable {
    /// Pages of the selected streams that may hold lines in the range containing every `lineContains` string,
    /// undecoded: the querier decodes the newest first and stops at its limit.
    func pages(_ request: ReadRequest) throws(BlockError) -> [SourcePage<LogRecord>]
    /// Each selected stream's line times (and with `sizes` sizes) in the range that contain every
    /// `lineContains` string: a metric over logs without parsers needs no more.
    func lines(_ request: ReadRequest, sizes: Bool, skipDamaged: (BlockError) -> Void) throws(BlockError)
        -> [LogStreamLines]
    /// Every record of the tenant carrying `traceID`.
    func records(of traceID: TraceID, _ request: ReadRequest, skipDamaged: (BlockError) -> Void) throws(BlockError)
        -> [LogRecord]
    func labelNames(_ request: ReadRequest) -> [String]
    func labelValues(_ name: String, _ request: ReadRequest) -> [String]
}

protocol SpanSource: Sendable {
    /// Pages that may hold spans starting in the range that `request.spanPrefilter` admits, undecoded.
    func pages(_ request: ReadRequest) throws(BlockError) -> [SourcePage<Span>]
    /// The spans of the traces in `ids` that `request.spanPrefilter` admits, in any order.
    func spans(ofTraces ids: Set<TraceID>, _ request: ReadRequest, skipDamaged: (BlockError) -> Void)
        throws(BlockError) -> [Span]
    /// `pages`, each decoded to its spans' call fields only: a block reads them from its columns.
    func callPages(_ request: ReadRequest) throws(BlockError) -> [SourcePage<SpanCallFields>]
}

extension SpanSource {
    /// For a source that holds whole spans (the head, another node): its pages' spans, projected.
    func callPages(_ request: ReadRequest) throws(BlockError) -> [SourcePage<SpanCallFields>] {
        try pages(request).map { $0.map(SpanCallFields.init) }
    }
}

/// One selected series as a source holds it: its labels and its samples in the read's range, decoded (the head)
/// or as chunks to decode (a block).
struct SourceSeries: Sendable {
    enum Samples: Sendable {
        /// In time order, all in the range.
        case decoded([Sample])
        /// The part's chunks overlapping the range, in time order.
        case chunks(MetricPartReader, [ChunkReference], from: Int64, to: Int64)
        /// Another node found more samples than the read's limit (`RemoteSource`): the read stops as if it had
        /// gathered them.
        case overLimit
    }

    let labels: Labels
    let samples: Samples

    /// The samples in the range, in time order. A damaged chunk throws, or with `skipDamaged` is reported there
    /// and left out, the rest of the series read.
    func decode(skipDamaged: ((BlockError) -> Void)? = nil) throws(BlockError) -> [Sample] {
        switch samples {
        case .decoded(let samples): samples
        case .chunks(let part, let chunks, let from, let to):
            try part.samples(of: chunks, from: from, to: to, skipDamaged: skipDamaged)
        case .overLimit: []
        }
    }
}

/// A page of items (log records, spans) a source holds, decoded only if the read gets to it: its newest item's
/// time (and, for reads oldest first, its oldest's) is known without decoding. `decode` returns the page's items
/// in the read's range that its pruning admits, in any order.
///
/// A page may instead stand for the rest of a source that sends its items in parts (another node, `RemoteSource`):
/// `more` then fetches the next part as pages of their own, each within this page's time bounds, and `decode`
/// yields nothing.
struct SourcePage<Item: Sendable>: Sendable {
    /// No item of the page is newer.
    let newest: Int64
    /// No item of the page is older (`Int64.min` when unknown: a read oldest first then decodes it first).
    let oldest: Int64
    /// The log stream the page belongs to (logs only): records are told apart within their stream.
    let stream: Labels?
    let decode: @Sendable () throws(BlockError) -> [Item]
    let more: (@Sendable () throws(BlockError) -> [SourcePage<Item>])?

    init(
        newest: Int64, oldest: Int64 = .min, stream: Labels?, decode: @escaping @Sendable () throws(BlockError) -> [Item]
    ) {
        self.newest = newest
        self.oldest = oldest
        self.stream = stream
        self.decode = decode
        more = nil
    }

    /// The same page with each item transformed, decoded (or fetched) when this one would be.
    func map<Other: Sendable>(_ transform: @escaping @Sendable (Item) -> Other) -> SourcePage<Other> {
        if let more {
            return SourcePage<Other>(newest: newest, oldest: oldest) { () throws(BlockError) in
                try more().map { $0.map(transform) }
            }
        }
        return SourcePage<Other>(newest: newest, oldest: oldest, stream: stream) { [decode] () throws(BlockError) in
            try decode().map(transform)
        }
    }

    /// A page standing for the items of a source not fetched yet, all in `oldest…newest`.
    init(newest: Int64, oldest: Int64, more: @escaping @Sendable () throws(BlockError) -> [SourcePage<Item>]) {
        self.newest = newest
        self.oldest = oldest
        stream = nil
        decode = { [] }
        self.more = more
    }
}

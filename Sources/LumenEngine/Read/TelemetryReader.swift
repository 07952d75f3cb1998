import LumenModel

/// The reads the query layer needs, each described by a `ReadRequest` value that the store prunes by.
///
/// Every read names its tenant and sees only that tenant's data. Implemented once, by `Querier` (which `Storage`
/// and `Head` are). Implementations are safe to call from any thread.
public protocol TelemetryReader: Sendable {
    /// Series selected by `request.matchers` with their samples in the range, sorted by labels; series with
    /// none there are left out. Throws once the samples would exceed `request.limit`, without reading on.
    func series(_ request: ReadRequest) throws(ReadLimitExceeded) -> [TimeSeries]
    /// Exemplars in the range of the series `request.matchers` select, as series without samples, each with its
    /// exemplars by time; series without exemplars there are left out.
    func exemplars(_ request: ReadRequest) -> [TimeSeries]
    func metricLabelNames(_ request: ReadRequest) -> [String]
    func metricLabelValues(_ name: String, _ request: ReadRequest) -> [String]

    /// Records of the streams `request.matchers` select, in the range, newest first, at most `request.limit`,
    /// decoded as the caller iterates: a caller that stops early leaves older pages unread. Every record with a
    /// string body contains every `request.lineContains` string; what else a query wants it filters itself.
    func logs(_ request: ReadRequest) -> InTimeOrder<LogRecord>
    /// Each stream `request.matchers` select with the time (and with `sizes` the size) of its lines in the range
    /// that contain every `lineContains` string: what a metric over logs without parsers needs, read without
    /// building records. Counting lines needs no sizes, and templated pages then read no variable.
    func logLines(_ request: ReadRequest, sizes: Bool) -> [LogStreamLines]
    func logLabelNames(_ request: ReadRequest) -> [String]
    func logLabelValues(_ name: String, _ request: ReadRequest) -> [String]

    /// Every span of the trace, from every service, and every log record that carries its ID; both by time.
    func trace(_ tenant: Tenant, id: TraceID) -> (spans: [Span], logs: [LogRecord])
    /// The spans of every trace in `ids` that has some, from every service, each trace's by time, every page read
    /// once for them all. Sources build only the spans `request.spanPrefilter` admits; a caller that passes one
    /// still filters what comes back.
    func traces(_ ids: Set<TraceID>, _ request: ReadRequest) -> [TraceID: [Span]]
    /// Spans starting in the range that `request.spanPrefilter` admits, newest first, at most `request.limit`,
    /// decoded as the caller iterates.
    func spans(_ request: ReadRequest) -> InTimeOrder<Span>
    /// Every span starting in the range that `request.spanPrefilter` admits, in no particular order (the limit
    /// does not apply): for reads that take them all, such as the service graph.
    func everySpan(_ request: ReadRequest) -> AnyOrder<Span>
    /// `everySpan`'s spans as their call fields only, each span once: what the service graph needs, read from
    /// block columns without building spans.
    func spanCalls(_ request: ReadRequest) -> AnyOrder<SpanCallFields>
}

/// The reads as the query layer calls them: a request built from arguments, and a filter applied to what the
/// store yields, newest first, until `limit` pass.
extension TelemetryReader {
    public func series(_ tenant: Tenant, matching matchers: [LabelMatcher], from: Int64, to: Int64) -> [TimeSeries] {
        // Without a limit, the read cannot exceed it.
        (try? series(ReadRequest(tenant: tenant, from: from, to: to, matchers: matchers))) ?? []
    }

    public func exemplars(_ tenant: Tenant, matching matchers: [LabelMatcher], from: Int64, to: Int64) -> [TimeSeries] {
        exemplars(ReadRequest(tenant: tenant, from: from, to: to, matchers: matchers))
    }

    public func metricLabelNames(_ tenant: Tenant) -> [String] { metricLabelNames(ReadRequest(tenant: tenant)) }

    public func metricLabelValues(_ tenant: Tenant, name: String) -> [String] {
        metricLabelValues(name, ReadRequest(tenant: tenant))
    }

    /// Records of the streams selected by `matchers`, in `[from, to]`, passing `filter`: newest first (with
    /// `oldestFirst` oldest first), at most `limit`. `lineContains` lists strings every wanted line contains (a
    /// query's `|=` filters), which the sources prune by; `filter` decides the rest. A caller that visits every
    /// record through `filter` (and keeps none) passes `limit: .max`.
    public func logs(
        _ tenant: Tenant, matching matchers: [LabelMatcher], from: Int64, to: Int64, limit: Int,
        lineContains: [String] = [], oldestFirst: Bool = false, filter: (LogRecord) -> Bool = { _ in true }
    ) -> [LogRecord] {
        let request = ReadRequest(
            tenant: tenant, from: from, to: to, matchers: matchers, lineContains: lineContains,
            oldestFirst: oldestFirst, wanted: limit)
        return Self.newest(logs(request), limit: limit, filter: filter)
    }

    /// The times (and sizes) of the lines of the streams selected by `matchers` in `[from, to]`, by stream.
    /// - Parameter wanted: once past this many lines the read may stop early (what it returns is then incomplete,
    ///   and more than `wanted`): a query whose budget they would pass fails anyway, and need not hold them all.
    public func logLines(
        _ tenant: Tenant, matching matchers: [LabelMatcher], from: Int64, to: Int64, lineContains: [String],
        sizes: Bool, wanted: Int = .max
    ) -> [LogStreamLines] {
        logLines(
            ReadRequest(
                tenant: tenant, from: from, to: to, matchers: matchers, lineContains: lineContains, wanted: wanted),
            sizes: sizes)
    }

    public func logLabelNames(_ tenant: Tenant) -> [String] { logLabelNames(ReadRequest(tenant: tenant)) }

    public func logLabelValues(_ tenant: Tenant, name: String) -> [String] {
        logLabelValues(name, ReadRequest(tenant: tenant))
    }

    public func traces(_ tenant: Tenant, ids: Set<TraceID>, prefilter: SpanPrefilter) -> [TraceID: [Span]] {
        traces(ids, ReadRequest(tenant: tenant, spanPrefilter: prefilter))
    }

    /// Spans starting in `[from, to]` that pass `filter`: newest first, at most `limit`. `prefilter` says what
    /// every wanted span's own fields are (a query's conditions on them); `filter` must refuse the spans it
    /// refuses too.
    public func spans(
        _ tenant: Tenant, from: Int64, to: Int64, limit: Int, prefilter: SpanPrefilter = .none,
        filter: (Span) -> Bool
    ) -> [Span] {
        Self.newest(
            spans(ReadRequest(tenant: tenant, from: from, to: to, spanPrefilter: prefilter, wanted: limit)),
            limit: limit, filter: filter)
    }

    /// The first `limit` items of `items` that pass `filter`.
    private static func newest<Items: Sequence>(_ items: Items, limit: Int, filter: (Items.Element) -> Bool)
        -> [Items.Element]
    {
        var found: [Items.Element] = []
        guard limit > 0 else { return found }
        for item in items where filter(item) {
            found.append(item)
            if found.count == limit { break }
        }
        return found
    }
}

import LumenModel

/// The reads the query layer needs, each pushing its time range and filters down to the store.
///
/// The head implements it over memory; `Storage` over the head and its blocks, merged. Every read names its
/// tenant and sees only that tenant's data. Times are nanoseconds, ranges inclusive at both ends.
/// Implementations are safe to call from any thread.
public protocol TelemetryReader: Sendable {
    /// Series selected by every matcher, with their samples in `[from, to]`; series with none there are left out.
    func series(_ tenant: Tenant, matching matchers: [LabelMatcher], from: Int64, to: Int64) -> [TimeSeries]
    /// Exemplars in `[from, to]` of the series selected by every matcher, as series without samples, each with
    /// its exemplars by time; series without exemplars there are left out.
    func exemplars(_ tenant: Tenant, matching matchers: [LabelMatcher], from: Int64, to: Int64) -> [TimeSeries]
    func metricLabelNames(_ tenant: Tenant) -> [String]
    func metricLabelValues(_ tenant: Tenant, name: String) -> [String]

    /// Records of the streams selected by `matchers`, in `[from, to]`, passing `filter`: newest first, at most
    /// `limit`. `lineContains` lists strings every wanted line contains (a query's `|=` filters): blocks skip
    /// pages whose filters rule one out and rows whose string body lacks one, so every record returned with a
    /// string body contains them all; `filter` decides the rest.
    func logs(
        _ tenant: Tenant, matching matchers: [LabelMatcher], from: Int64, to: Int64, limit: Int,
        lineContains: [String], filter: (LogRecord) -> Bool
    ) -> [LogRecord]
    /// Each stream selected by `matchers` with the time (and with `sizes` the size) of its lines in `[from, to]`
    /// that contain every string of `lineContains`: what a metric over logs without parsers needs, read without
    /// building records. Counting lines needs no sizes, and templated pages then read no variable.
    func logLines(
        _ tenant: Tenant, matching matchers: [LabelMatcher], from: Int64, to: Int64, lineContains: [String],
        sizes: Bool
    ) -> [LogStreamLines]
    func logLabelNames(_ tenant: Tenant) -> [String]
    func logLabelValues(_ tenant: Tenant, name: String) -> [String]

    /// Every span of the trace, from every service, and every log record that carries its ID; both by time.
    func trace(_ tenant: Tenant, id: TraceID) -> (spans: [Span], logs: [LogRecord])
    /// The spans of every trace in `ids` that has some, from every service, each trace's by time: what `trace`
    /// answers for each, without the logs, with every page read once for them all. Blocks build only the spans
    /// `prefilter` admits (see `spans`); a caller that passes one still filters what comes back.
    func traces(_ tenant: Tenant, ids: Set<TraceID>, prefilter: SpanPrefilter) -> [TraceID: [Span]]

    /// Spans starting in `[from, to]` that pass `filter`: newest first, at most `limit`. `prefilter` says what
    /// every wanted span's own fields are (a query's conditions on them): blocks step over the pages and rows it
    /// rules out without building them. `filter` must refuse those spans too, so the answer is the same.
    func spans(
        _ tenant: Tenant, from: Int64, to: Int64, limit: Int, prefilter: SpanPrefilter, filter: (Span) -> Bool
    ) -> [Span]
}

extension TelemetryReader {
    public func logs(
        _ tenant: Tenant, matching matchers: [LabelMatcher], from: Int64, to: Int64, limit: Int,
        filter: (LogRecord) -> Bool = { _ in true }
    ) -> [LogRecord] {
        logs(tenant, matching: matchers, from: from, to: to, limit: limit, lineContains: [], filter: filter)
    }

    public func spans(_ tenant: Tenant, from: Int64, to: Int64, limit: Int, filter: (Span) -> Bool) -> [Span] {
        spans(tenant, from: from, to: to, limit: limit, prefilter: .none, filter: filter)
    }
}

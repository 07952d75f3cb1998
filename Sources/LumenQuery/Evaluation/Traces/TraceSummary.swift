import LumenModel

/// One trace as a search answers it (Tempo's shape): where it started, how long it took, how big it is, and
/// the spans that matched the query.
public struct TraceSummary: Sendable, Equatable {
    /// What a trace whose root span has not (yet) arrived shows as its root, as Tempo does.
    public static let missingRoot = "<root span not yet received>"

    public var traceID: TraceID
    public var rootService: String
    public var rootName: String
    /// The earliest span start, nanoseconds since the epoch.
    public var start: Int64
    /// From the earliest start to the latest end.
    public var duration: Int64
    public var spanCount: Int
    public var errorCount: Int
    /// Every service with a span in the trace, sorted.
    public var services: [String]
    /// The spans the query matched (for `traces(<logs>)`, the spans the lines were written under), by start.
    public var matched: [Span]

    public init(traceID: TraceID, spans: [Span], matched: [Span]) {
        self.traceID = traceID
        let ids = Set(spans.map(\.spanID))
        let root = spans.first { $0.parentSpanID == nil } ?? spans.first { !ids.contains($0.parentSpanID!) }
        rootService = root?.serviceName ?? Self.missingRoot
        rootName = root?.name ?? ""
        start = spans.map(\.startTime).min() ?? 0
        duration = (spans.map(\.endTime).max() ?? start) - start
        spanCount = spans.count
        errorCount = spans.count { $0.status.code == .error }
        services = Set(spans.map(\.serviceName)).sorted()
        self.matched = matched.sorted { $0.startTime < $1.startTime }
    }
}

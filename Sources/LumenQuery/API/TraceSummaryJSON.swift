import LumenModel

/// A trace in a search answer (Tempo's search shape, with nanosecond times): root service and name, start,
/// duration, span and error counts, the services it crossed, and the spans that matched.
public struct TraceSummaryJSON: Codable, Sendable, Equatable {
    public var traceId: String
    public var rootServiceName: String
    public var rootTraceName: String
    public var startTimeUnixNano: Int64
    public var durationNanos: Int64
    public var spanCount: Int
    public var errorCount: Int
    public var services: [String]
    public var spans: [SpanJSON]

    public init(_ summary: TraceSummary) {
        traceId = summary.traceID.hex
        rootServiceName = summary.rootService
        rootTraceName = summary.rootName
        startTimeUnixNano = summary.start
        durationNanos = summary.duration
        spanCount = summary.spanCount
        errorCount = summary.errorCount
        services = summary.services
        spans = summary.matched.map(SpanJSON.init)
    }
}

import LumenQuery

/// `GET /lumen/v1/query`'s native answer as the dashboards read it: series, logs, and spans — listed
/// directly (`kind: spans`) or as the matched spans of trace summaries (`kind: traces`, Tempo's search shape),
/// so that panels work with either form of the API.
struct DashNativeAnswer: Decodable {
    /// A trace summary: only the spans that matched the query matter to a panel.
    struct TraceHit: Decodable {
        var spans: [SpanJSON]
    }

    var kind: String
    var series: [QueryResponse.Series]?
    var logs: [LogJSON]?
    private var spans: [SpanJSON]?
    private var traces: [TraceHit]?

    var isSpans: Bool { kind == "spans" || kind == "traces" }

    /// Every span the query matched.
    var matchedSpans: [SpanJSON] { (spans ?? []) + (traces ?? []).flatMap(\.spans) }
}

import LumenModel

/// One whole trace with what TraceQL reads beyond a span's own fields: its root, its length, each span's
/// parent. Built once per trace a query judges.
public struct TraceQLTrace: Sendable {
    public let spans: [Span]
    public let rootName: String
    public let rootService: String
    public let duration: Int64
    /// Each span's position in `spans` by ID.
    private let positions: [SpanID: Int]

    public init(_ spans: [Span]) {
        self.init(spans, summary: TraceSummary(traceID: spans.first?.traceID ?? .zero, spans: spans, matched: []))
    }

    /// The matched spans of a search's answer, with the root and length of their whole trace.
    public init(matchedIn summary: TraceSummary) {
        self.init(summary.matched, summary: summary)
    }

    private init(_ spans: [Span], summary: TraceSummary) {
        self.spans = spans
        rootName = summary.rootName
        rootService = summary.rootService
        duration = summary.duration
        positions = Dictionary(spans.enumerated().map { ($1.spanID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func parent(of span: Span) -> Span? {
        span.parentSpanID.flatMap { positions[$0] }.map { spans[$0] }
    }

    /// A field's value on one span of this trace; `nil` when the span has no such attribute.
    public func value(_ field: TraceQLField, of span: Span) -> AttributeValue? {
        switch field {
        case .intrinsic(let intrinsic):
            switch intrinsic {
            case .name: .string(span.name)
            case .kind: .string(span.kind.name)
            case .status: .string(span.status.code.name)
            case .statusMessage: .string(span.status.message)
            case .duration: .int(span.duration)
            case .rootName: .string(rootName)
            case .rootServiceName: .string(rootService)
            case .traceDuration: .int(duration)
            case .nestedSetParent: .int(span.parentSpanID == nil ? -1 : 1)
            }
        case .attribute(.span, let key): span.attributes[key]
        case .attribute(.resource, let key): span.resource.attributes[key]
        case .attribute(.unscoped, let key): span.attributes[key] ?? span.resource.attributes[key]
        }
    }
}

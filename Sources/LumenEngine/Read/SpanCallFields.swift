import LumenModel

/// The fields of a span that a call between services is measured by: its IDs, service, kind, status, times and
/// the peer it names. A read of these (`TelemetryReader.spanCalls`) takes them from a block's span page columns
/// without building the span's attributes, events and links; the head and other nodes hold whole spans and
/// project them (`init(_:)`), so every source gives the same fields for the same span.
public struct SpanCallFields: Sendable, Hashable {
    public let traceID: TraceID
    public let spanID: SpanID
    public let parentSpanID: SpanID?
    /// The resource's `service.name`.
    public let service: String
    public let kind: SpanKind
    public let status: SpanStatus.Code
    /// Nanoseconds since the epoch.
    public let startTime: Int64
    public let endTime: Int64
    /// What a client or producer span names as the other side (`peer(of:)`); nil for other kinds.
    public let peer: String?

    public init(_ span: Span) {
        self.init(
            traceID: span.traceID, spanID: span.spanID, parentSpanID: span.parentSpanID, service: span.serviceName,
            kind: span.kind, status: span.status.code, startTime: span.startTime, endTime: span.endTime,
            peer: Self.namesPeer(span.kind) ? Self.peer(of: span.attributes) : nil)
    }

    init(
        traceID: TraceID, spanID: SpanID, parentSpanID: SpanID?, service: String, kind: SpanKind,
        status: SpanStatus.Code, startTime: Int64, endTime: Int64, peer: String?
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.service = service
        self.kind = kind
        self.status = status
        self.startTime = startTime
        self.endTime = endTime
        self.peer = peer
    }

    public var duration: Int64 { endTime &- startTime }

    /// Attributes that name what a client span calls, most specific first (as Tempo's virtual nodes).
    public static let peerAttributes = ["peer.service", "db.system", "server.address"]

    /// Whether spans of `kind` call something that may send no spans of its own, and so name a peer.
    static func namesPeer(_ kind: SpanKind) -> Bool { kind == .client || kind == .producer }

    /// The text of the first of `peerAttributes` that `attributes` hold non-empty, each key's first value.
    public static func peer(of attributes: [Attribute]) -> String? {
        for key in peerAttributes {
            if let value = attributes[key]?.text, !value.isEmpty { return value }
        }
        return nil
    }
}

extension SpanCallFields: TimeOrderedItem {
    var orderTime: Int64 { startTime }
    func identity(stream: Int) -> ItemIdentity { .span(SpanKey(traceID: traceID, spanID: spanID)) }
}

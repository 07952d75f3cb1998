/// One operation of a trace. Times are nanoseconds since the Unix epoch.
public struct Span: Hashable, Sendable {
    public var traceID: TraceID
    public var spanID: SpanID
    /// `nil` for a root span.
    public var parentSpanID: SpanID?
    public var name: String
    public var kind: SpanKind
    public var startTime: Int64
    public var endTime: Int64
    public var status: SpanStatus
    public var attributes: [Attribute]
    public var events: [SpanEvent]
    public var links: [SpanLink]
    public var resource: Resource
    public var scope: InstrumentationScope

    public init(
        traceID: TraceID, spanID: SpanID, parentSpanID: SpanID? = nil, name: String, kind: SpanKind = .internal,
        startTime: Int64, endTime: Int64, status: SpanStatus = SpanStatus(), attributes: [Attribute] = [],
        events: [SpanEvent] = [], links: [SpanLink] = [], resource: Resource, scope: InstrumentationScope = .init()
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.name = name
        self.kind = kind
        self.startTime = startTime
        self.endTime = endTime
        self.status = status
        self.attributes = attributes
        self.events = events
        self.links = links
        self.resource = resource
        self.scope = scope
    }

    public var duration: Int64 { endTime - startTime }
    public var serviceName: String { resource.serviceName }
    public var isRoot: Bool { parentSpanID == nil }
}

/// OpenTelemetry's span kinds, with the protocol's numbers.
public enum SpanKind: UInt8, Hashable, Sendable, CaseIterable {
    case unspecified = 0
    case `internal` = 1
    case server = 2
    case client = 3
    case producer = 4
    case consumer = 5

    public var name: String {
        switch self {
        case .unspecified: "unspecified"
        case .internal: "internal"
        case .server: "server"
        case .client: "client"
        case .producer: "producer"
        case .consumer: "consumer"
        }
    }
}

public struct SpanStatus: Hashable, Sendable {
    /// OpenTelemetry's status codes, with the protocol's numbers.
    public enum Code: UInt8, Hashable, Sendable, CaseIterable {
        case unset = 0
        case ok = 1
        case error = 2

        public var name: String {
            switch self {
            case .unset: "unset"
            case .ok: "ok"
            case .error: "error"
            }
        }
    }

    public var code: Code
    public var message: String

    public init(code: Code = .unset, message: String = "") {
        self.code = code
        self.message = message
    }
}

public struct SpanEvent: Hashable, Sendable {
    public var time: Int64
    public var name: String
    public var attributes: [Attribute]

    public init(time: Int64, name: String, attributes: [Attribute] = []) {
        self.time = time
        self.name = name
        self.attributes = attributes
    }
}

public struct SpanLink: Hashable, Sendable {
    public var traceID: TraceID
    public var spanID: SpanID
    public var traceState: String
    public var attributes: [Attribute]

    public init(traceID: TraceID, spanID: SpanID, traceState: String = "", attributes: [Attribute] = []) {
        self.traceID = traceID
        self.spanID = spanID
        self.traceState = traceState
        self.attributes = attributes
    }
}

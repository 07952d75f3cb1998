/// One log line or event. Times are nanoseconds since the Unix epoch.
public struct LogRecord: Hashable, Sendable {
    /// When the event happened; `observedTime` when the source did not say.
    public var time: Int64
    /// When a collector first saw it.
    public var observedTime: Int64
    public var severity: Severity
    public var body: AttributeValue
    public var attributes: [Attribute]
    public var traceID: TraceID?
    public var spanID: SpanID?
    public var resource: Resource
    public var scope: InstrumentationScope

    public init(
        time: Int64, observedTime: Int64? = nil, severity: Severity = Severity(), body: AttributeValue,
        attributes: [Attribute] = [], traceID: TraceID? = nil, spanID: SpanID? = nil, resource: Resource,
        scope: InstrumentationScope = .init()
    ) {
        self.time = time
        self.observedTime = observedTime ?? time
        self.severity = severity
        self.body = body
        self.attributes = attributes
        self.traceID = traceID
        self.spanID = spanID
        self.resource = resource
        self.scope = scope
    }

    public var serviceName: String { resource.serviceName }
    /// The labels of the stream the record belongs to: its resource's labels and `severity`, as Loki groups
    /// lines into streams by labels.
    public var streamLabels: Labels { Labels(resource.labels + [Label("severity", severity.level.name)]) }

    /// The body as a line of text.
    public var line: String { body.text }
}

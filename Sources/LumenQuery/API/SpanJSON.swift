import LumenModel

/// A span in the native JSON API. Times are nanoseconds since the epoch; IDs lower-case hex.
public struct SpanJSON: Codable, Sendable, Equatable {
    public struct Status: Codable, Sendable, Equatable {
        public var code: String
        public var message: String?
    }

    public struct Event: Codable, Sendable, Equatable {
        public var timeUnixNano: Int64
        public var name: String
        public var attributes: [String: JSONValue]?
    }

    public struct Link: Codable, Sendable, Equatable {
        public var traceId: String
        public var spanId: String
        public var attributes: [String: JSONValue]?
    }

    public var traceId: String
    public var spanId: String
    public var parentSpanId: String?
    public var service: String
    public var name: String
    public var kind: String
    public var startTimeUnixNano: Int64
    public var endTimeUnixNano: Int64
    public var durationNanos: Int64
    public var status: Status
    public var attributes: [String: JSONValue]?
    public var resource: [String: JSONValue]
    public var events: [Event]?
    public var links: [Link]?

    public init(_ span: Span) {
        traceId = span.traceID.hex
        spanId = span.spanID.hex
        parentSpanId = span.parentSpanID?.hex
        service = span.serviceName
        name = span.name
        kind = span.kind.name
        startTimeUnixNano = span.startTime
        endTimeUnixNano = span.endTime
        durationNanos = span.duration
        status = Status(code: span.status.code.name, message: span.status.message.isEmpty ? nil : span.status.message)
        attributes = span.attributes.isEmpty ? nil : JSONValue.object(span.attributes)
        resource = JSONValue.object(span.resource.attributes)
        events = span.events.isEmpty ? nil : span.events.map {
            Event(timeUnixNano: $0.time, name: $0.name, attributes: $0.attributes.isEmpty ? nil : JSONValue.object($0.attributes))
        }
        links = span.links.isEmpty ? nil : span.links.map {
            Link(traceId: $0.traceID.hex, spanId: $0.spanID.hex,
                attributes: $0.attributes.isEmpty ? nil : JSONValue.object($0.attributes))
        }
    }

    /// Back to the model, for rendering on the client side; `nil` if the IDs are not valid hex.
    public var span: Span? {
        guard let traceID = TraceID(hex: traceId), let spanID = SpanID(hex: spanId) else { return nil }
        return Span(
            traceID: traceID, spanID: spanID, parentSpanID: parentSpanId.flatMap { SpanID(hex: $0) }, name: name,
            kind: SpanKind.allCases.first { $0.name == kind } ?? .unspecified,
            startTime: startTimeUnixNano, endTime: endTimeUnixNano,
            status: SpanStatus(
                code: SpanStatus.Code.allCases.first { $0.name == status.code } ?? .unset,
                message: status.message ?? ""),
            attributes: JSONValue.attributes(attributes),
            events: (events ?? []).map {
                SpanEvent(time: $0.timeUnixNano, name: $0.name, attributes: JSONValue.attributes($0.attributes))
            },
            links: (links ?? []).compactMap { link in
                guard let traceID = TraceID(hex: link.traceId), let spanID = SpanID(hex: link.spanId) else { return nil }
                return SpanLink(traceID: traceID, spanID: spanID, attributes: JSONValue.attributes(link.attributes))
            },
            resource: Resource(attributes: JSONValue.attributes(resource)))
    }
}

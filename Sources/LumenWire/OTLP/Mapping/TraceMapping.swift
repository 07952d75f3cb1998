import LumenModel

/// OTLP spans → model spans. A span with an unusable ID, link ID or time range is refused on its own.
enum TraceMapping {
    static func spans(_ request: OTLPTraceRequest, rejections: inout Rejections) -> [Span] {
        var spans: [Span] = []
        for (r, resourceSpans) in request.resourceSpans.enumerated() {
            let resource = AttributeMapping.resource(resourceSpans.resource)
            for (s, scopeSpans) in resourceSpans.scopeSpans.enumerated() {
                let scope = AttributeMapping.scope(scopeSpans.scope)
                spans.reserveCapacity(spans.count + scopeSpans.spans.count)
                for (i, wire) in scopeSpans.spans.enumerated() {
                    do {
                        spans.append(try span(wire, resource: resource, scope: scope))
                    } catch {
                        rejections.reject("resourceSpans[\(r)].scopeSpans[\(s)].spans[\(i)]: \(error.message)")
                    }
                }
            }
        }
        return spans
    }

    private static func span(
        _ wire: OTelSpan, resource: Resource, scope: InstrumentationScope
    ) throws(IDValidation.Failure) -> Span {
        let traceID = try IDValidation.traceID(wire.traceID)
        let spanID = try IDValidation.spanID(wire.spanID)
        let parent = try IDValidation.optionalSpanID(wire.parentSpanID, field: "parent_span_id")
        let start = AttributeMapping.nanoseconds(wire.startTimeUnixNano)
        let end = AttributeMapping.nanoseconds(wire.endTimeUnixNano)
        guard end >= start else {
            throw .invalid("end_time_unix_nano \(end) is before start_time_unix_nano \(start)")
        }
        var links: [SpanLink] = []
        for (l, link) in wire.links.enumerated() {
            links.append(
                SpanLink(
                    traceID: try IDValidation.traceID(link.traceID, field: "links[\(l)].trace_id"),
                    spanID: try IDValidation.spanID(link.spanID, field: "links[\(l)].span_id"),
                    traceState: link.traceState, attributes: AttributeMapping.attributes(link.attributes)))
        }
        return Span(
            traceID: traceID, spanID: spanID, parentSpanID: parent, name: wire.name,
            kind: SpanKind(rawValue: UInt8(clamping: wire.kind.rawValue)) ?? .unspecified,
            startTime: start, endTime: end,
            status: SpanStatus(
                code: SpanStatus.Code(rawValue: UInt8(clamping: wire.status.code.rawValue)) ?? .unset,
                message: wire.status.message),
            attributes: AttributeMapping.attributes(wire.attributes),
            events: wire.events.map {
                SpanEvent(
                    time: AttributeMapping.nanoseconds($0.timeUnixNano), name: $0.name,
                    attributes: AttributeMapping.attributes($0.attributes))
            },
            links: links, resource: resource, scope: scope)
    }
}

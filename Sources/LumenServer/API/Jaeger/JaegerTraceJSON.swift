import LumenEngine
import LumenModel

/// Traces in Jaeger's JSON (its query service's `structured` model): spans with `references`, times in
/// microseconds, typed `tags`, `logs` from span events, and each span's resource as a `process` shared by ID.
enum JaegerTraceJSON {
    static func trace(_ json: inout JSONWriter, _ traceID: TraceID, _ spans: [Span]) {
        var processes: [Resource: String] = [:]
        var order: [Resource] = []
        for span in spans where processes[span.resource] == nil {
            order.append(span.resource)
            processes[span.resource] = "p\(order.count)"
        }
        json.raw("{\"traceID\":")
        json.string(traceID.hex)
        json.raw(",\"spans\":")
        json.array(spans) { json, span in Self.span(&json, span, process: processes[span.resource]!) }
        json.raw(",\"processes\":{")
        for (offset, resource) in order.enumerated() {
            if offset > 0 { json.byte(",") }
            json.string(processes[resource]!)
            json.raw(":{\"serviceName\":")
            json.string(resource.serviceName)
            json.raw(",\"tags\":")
            json.array(resource.attributes.filter { $0.key != Resource.serviceNameKey }) { tag(&$0, $1.key, $1.value) }
            json.byte("}")
        }
        // What the request's reads left out (a damaged block page: `ReadScope`), as Jaeger lists a trace's warnings.
        if let warnings = ReadScope.current?.warnings, !warnings.isEmpty {
            json.raw("},\"warnings\":")
            json.array(warnings) { json, text in json.string(text) }
            json.byte("}")
        } else {
            json.raw("},\"warnings\":null}")
        }
    }

    private static func span(_ json: inout JSONWriter, _ span: Span, process: String) {
        json.raw("{\"traceID\":")
        json.string(span.traceID.hex)
        json.raw(",\"spanID\":")
        json.string(span.spanID.hex)
        json.raw(",\"operationName\":")
        json.string(span.name)
        json.raw(",\"references\":")
        var references: [(String, TraceID, SpanID)] = span.parentSpanID.map { [("CHILD_OF", span.traceID, $0)] } ?? []
        references += span.links.map { ("FOLLOWS_FROM", $0.traceID, $0.spanID) }
        json.array(references) { json, reference in
            json.raw("{\"refType\":")
            json.string(reference.0)
            json.raw(",\"traceID\":")
            json.string(reference.1.hex)
            json.raw(",\"spanID\":")
            json.string(reference.2.hex)
            json.byte("}")
        }
        json.raw(",\"startTime\":")
        json.integer(span.startTime / 1_000)
        json.raw(",\"duration\":")
        json.integer(span.duration / 1_000)
        json.raw(",\"tags\":")
        json.array(tags(of: span)) { tag(&$0, $1.key, $1.value) }
        json.raw(",\"logs\":")
        json.array(span.events) { json, event in
            json.raw("{\"timestamp\":")
            json.integer(event.time / 1_000)
            json.raw(",\"fields\":")
            json.array([Attribute("event", .string(event.name))] + event.attributes) { tag(&$0, $1.key, $1.value) }
            json.byte("}")
        }
        json.raw(",\"processID\":")
        json.string(process)
        json.raw(",\"warnings\":null,\"flags\":1}")
    }

    /// The span's attributes, then what OpenTelemetry's Jaeger translation adds: its kind, status and `error`.
    private static func tags(of span: Span) -> [Attribute] {
        var tags = span.attributes
        if span.kind != .unspecified && span.kind != .internal { tags.append(Attribute("span.kind", .string(span.kind.name))) }
        if span.status.code != .unset {
            tags.append(Attribute("otel.status_code", .string(span.status.code.name.uppercased())))
        }
        if span.status.code == .error {
            tags.append(Attribute("error", .bool(true)))
            if !span.status.message.isEmpty {
                tags.append(Attribute("otel.status_description", .string(span.status.message)))
            }
        }
        if !span.scope.name.isEmpty { tags.append(Attribute("otel.scope.name", .string(span.scope.name))) }
        return tags
    }

    /// `{"key":…,"type":"string|bool|int64|float64|binary","value":…}`.
    private static func tag(_ json: inout JSONWriter, _ key: String, _ value: AttributeValue) {
        json.raw("{\"key\":")
        json.string(key)
        switch value {
        case .bool(let bool):
            json.raw(bool ? ",\"type\":\"bool\",\"value\":true" : ",\"type\":\"bool\",\"value\":false")
        case .int(let integer):
            json.raw(",\"type\":\"int64\",\"value\":")
            json.integer(integer)
        case .double(let double) where double.isFinite:
            json.raw(",\"type\":\"float64\",\"value\":")
            json.plain(String(double))
        default:
            json.raw(",\"type\":\"string\",\"value\":")
            json.string(value.text)
        }
        json.byte("}")
    }
}

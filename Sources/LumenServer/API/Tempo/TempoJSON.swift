import LumenModel
import LumenQuery

/// Tempo's JSON, as its protobuf messages print through jsonpb: 64-bit numbers as strings, zero values left
/// out, attribute values as OTLP `AnyValue` objects.
enum TempoJSON {
    /// `{"key":…,"value":{"stringValue":…}}` (or `intValue` as a string, `doubleValue`, `boolValue`).
    static func keyValue(_ json: inout JSONWriter, _ key: String, _ value: AttributeValue) {
        json.raw("{\"key\":")
        json.string(key)
        json.raw(",\"value\":")
        anyValue(&json, value)
        json.byte("}")
    }

    static func anyValue(_ json: inout JSONWriter, _ value: AttributeValue) {
        switch value {
        case .int(let integer):
            json.raw("{\"intValue\":\"")
            json.integer(integer)
            json.raw("\"}")
        case .double(let double) where double.isFinite:
            json.raw("{\"doubleValue\":")
            json.plain(String(double))
            json.byte("}")
        case .bool(let bool):
            json.raw(bool ? "{\"boolValue\":true}" : "{\"boolValue\":false}")
        default:
            json.raw("{\"stringValue\":")
            json.string(value.text)
            json.byte("}")
        }
    }

    /// `/api/search`'s `SearchResponse`: each trace with its matched spans as one spanset (`spanSets`, and the
    /// older `spanSet` Grafana falls back to), at most `spansPerSet` spans in it, each showing `fields`.
    static func search(_ traces: [TraceSummary], fields: [TraceQLField], spansPerSet: Int) -> JSONWriter {
        var json = JSONWriter()
        json.raw("{\"traces\":")
        json.array(traces) { json, trace in
            json.raw("{\"traceID\":")
            json.string(trace.traceID.hex)
            json.raw(",\"rootServiceName\":")
            json.string(trace.rootService)
            if !trace.rootName.isEmpty {
                json.raw(",\"rootTraceName\":")
                json.string(trace.rootName)
            }
            json.raw(",\"startTimeUnixNano\":\"")
            json.integer(trace.start)
            json.raw("\",\"durationMs\":")
            json.integer(trace.duration / 1_000_000)
            let whole = TraceQLTrace(matchedIn: trace)
            func spanSet(_ json: inout JSONWriter) {
                json.raw("{\"spans\":")
                json.array(trace.matched.prefix(spansPerSet)) { json, span in
                    Self.span(&json, span, fields: fields, trace: whole)
                }
                json.raw(",\"matched\":")
                json.integer(Int64(trace.matched.count))
                json.byte("}")
            }
            json.raw(",\"spanSet\":")
            spanSet(&json)
            json.raw(",\"spanSets\":[")
            spanSet(&json)
            json.raw("]}")
        }
        json.raw(",\"metrics\":{\"inspectedTraces\":")
        json.integer(Int64(traces.count))
        json.raw("}}")
        return json
    }

    private static func span(_ json: inout JSONWriter, _ span: Span, fields: [TraceQLField], trace: TraceQLTrace) {
        json.raw("{\"spanID\":")
        json.string(span.spanID.hex)
        json.raw(",\"name\":")
        json.string(span.name)
        json.raw(",\"startTimeUnixNano\":\"")
        json.integer(span.startTime)
        json.raw("\",\"durationNanos\":\"")
        json.integer(span.duration)
        json.byte("\"")
        let shown = fields.compactMap { field in trace.value(field, of: span).map { (Self.key(field), $0) } }
        if !shown.isEmpty {
            json.raw(",\"attributes\":")
            json.array(shown) { json, pair in keyValue(&json, pair.0, pair.1) }
        }
        json.byte("}")
    }

    /// How Tempo names a field in answers: intrinsics by name, attributes without their scope.
    static func key(_ field: TraceQLField) -> String {
        switch field {
        case .intrinsic(let intrinsic): intrinsic.rawValue
        case .attribute(_, let name): name
        }
    }
}

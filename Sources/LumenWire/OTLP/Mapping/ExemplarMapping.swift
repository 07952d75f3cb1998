import LumenModel

typealias OTelExemplar = Opentelemetry_Proto_Metrics_V1_Exemplar

/// Maps OTLP exemplars the way Prometheus' OTLP receiver does: the trace and span IDs become the `trace_id` and
/// `span_id` labels (hex), then filtered attributes are added while the labels stay within
/// `Exemplar.maxLabelRunes`; a histogram's exemplar goes to the first bucket whose bound holds its value.
enum ExemplarMapping {
    /// The exemplar, or the reason it is refused (a malformed ID).
    static func exemplar(_ wire: OTelExemplar, pointTime: Int64) throws(IDValidation.Failure) -> Exemplar {
        var labels: [Label] = []
        if let trace = try IDValidation.optionalTraceID(wire.traceID) { labels.append(Label("trace_id", trace.hex)) }
        if let span = try IDValidation.optionalSpanID(wire.spanID) { labels.append(Label("span_id", span.hex)) }
        var runes = labels.reduce(0) { $0 + $1.name.unicodeScalars.count + $1.value.unicodeScalars.count }
        for attribute in wire.filteredAttributes {
            let label = Label(LabelName.sanitize(attribute.key), AttributeMapping.value(attribute.value).text)
            let size = label.name.unicodeScalars.count + label.value.unicodeScalars.count
            guard runes + size <= Exemplar.maxLabelRunes else { continue }
            runes += size
            labels.append(label)
        }
        let value: Double
        switch wire.value {
        case .asDouble(let number): value = number
        case .asInt(let number): value = Double(number)
        case nil: value = 0
        }
        let time = wire.timeUnixNano == 0 ? pointTime : AttributeMapping.nanoseconds(wire.timeUnixNano)
        return Exemplar(labels: Labels(labels), timestamp: time, value: value)
    }

    /// The index of the bucket (among `bounds.count + 1`, the last being `+Inf`) an exemplar of `value` belongs to.
    static func bucket(of value: Double, bounds: [Double]) -> Int {
        bounds.firstIndex { value <= $0 } ?? bounds.count
    }
}

import LumenModel

/// A span field's value, as text for labels and as a number for unwrap and trace aggregates.
enum SpanValues {
    static func text(_ field: SpanField, of span: Span) -> String {
        switch field {
        case .service: span.serviceName
        case .name: span.name
        case .kind: span.kind.name
        case .status: span.status.code.name
        case .statusMessage: span.status.message
        case .duration: String(span.duration)
        case .spanAttribute(let key): span.attributes[key]?.text ?? ""
        case .resourceAttribute(let key): span.resource.attributes[key]?.text ?? ""
        }
    }

    /// `duration` in nanoseconds; a numeric attribute (or one whose text is a number); else `nil`.
    static func number(_ field: SpanField, of span: Span) -> Double? {
        let value: AttributeValue?
        switch field {
        case .duration: return Double(span.duration)
        case .spanAttribute(let key): value = span.attributes[key]
        case .resourceAttribute(let key): value = span.resource.attributes[key]
        default: return nil
        }
        switch value {
        case .int(let integer): return Double(integer)
        case .double(let double): return double
        case .some(let other): return Double(other.text)
        case nil: return nil
        }
    }
}

/// The value of an attribute or a log body: OpenTelemetry's `AnyValue`.
public indirect enum AttributeValue: Hashable, Sendable {
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case bytes([UInt8])
    case array([AttributeValue])
    case map([Attribute])

    /// The value as a person reads it: strings bare, everything else in a JSON-like form.
    public var text: String {
        switch self {
        case .string(let value): value
        case .bool(let value): String(value)
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .bytes(let value): HexCoding.encode(value)
        case .array(let values): "[" + values.map(\.quotedText).joined(separator: ",") + "]"
        case .map(let attributes):
            "{" + attributes.map { "\"\($0.key)\":\($0.value.quotedText)" }.joined(separator: ",") + "}"
        }
    }

    private var quotedText: String {
        if case .string(let value) = self { return "\"\(value)\"" }
        return text
    }
}

/// One key/value pair. Lists of attributes keep their order; keys are unique within a list.
public struct Attribute: Hashable, Sendable {
    public var key: String
    public var value: AttributeValue

    public init(_ key: String, _ value: AttributeValue) {
        self.key = key
        self.value = value
    }
}

extension Array where Element == Attribute {
    /// The value of the first attribute with this key.
    public subscript(key: String) -> AttributeValue? {
        first { $0.key == key }?.value
    }
}

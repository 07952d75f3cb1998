import LumenModel

/// `| json`: a body's JSON object as fields, as LogQL's `json` parser reads it: nested keys joined with `_`
/// (`{"a":{"b":1}}` gives `a_b="1"`), names made valid label names, numbers as written, `null` as "", arrays
/// skipped. A text body is read by ``JSONFieldReader``; a structured body (an OTLP map) is read directly.
enum JSONFields {
    /// The deepest nesting of objects and arrays read; a deeper body is not JSON to `| json` (`JSONParserErr`).
    static let maxDepth = 128

    /// The fields, or `nil` when the body is not a JSON object (or nests deeper than `maxDepth`).
    static func flatten(_ body: AttributeValue) -> [Label]? {
        switch body {
        case .map(let attributes):
            var fields: [Label] = []
            return flatten(attributes, prefix: "", depth: 1, into: &fields) ? fields : nil
        case .string(let text):
            return JSONFieldReader.fields(text)
        default:
            return nil
        }
    }

    private static func flatten(_ attributes: [Attribute], prefix: String, depth: Int, into fields: inout [Label])
        -> Bool
    {
        guard depth <= maxDepth else { return false }
        for attribute in attributes {
            let key = LabelName.sanitize(attribute.key)
            let name = prefix.isEmpty ? key : prefix + "_" + key
            switch attribute.value {
            case .map(let nested):
                guard flatten(nested, prefix: name, depth: depth + 1, into: &fields) else { return false }
            case .array: continue
            case .double(let number): fields.append(Label(name, PrometheusNumber.format(number)))
            case .string, .bool, .int, .bytes: fields.append(Label(name, attribute.value.text))
            }
        }
        return true
    }
}

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

    /// `| json name="path"`: the value at `path` in a text body (read by ``JSONFieldReader``) or a structured one
    /// (an OTLP map or array, read directly; a number as `| json` writes it, a map or array as JSON-like text).
    static func value(at path: JSONPath, in body: AttributeValue) -> JSONFieldReader.PathValue {
        switch body {
        case .string(let text): return JSONFieldReader.value(at: path, in: text)
        case .map, .array: break
        default: return .malformed
        }
        var current = body
        for step in path.steps {
            switch (step, current) {
            case (.key(let key), .map(let attributes)):
                guard let next = attributes[key] else { return .absent }
                current = next
            case (.index(let index), .array(let values)):
                guard index < values.count else { return .absent }
                current = values[index]
            default:
                return .absent
            }
        }
        if case .double(let number) = current { return .found(PrometheusNumber.format(number)) }
        return .found(current.text)
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

import Foundation
import LumenModel

/// `| json`: a body's JSON object as fields, nested keys joined with `_` (`{"a":{"b":1}}` gives `a_b="1"`), names
/// made valid label names, arrays kept as their JSON text. A structured body (an OTLP map) is read directly.
enum JSONFields {
    /// The fields, or `nil` when the body is not a JSON object.
    static func flatten(_ body: AttributeValue) -> [Label]? {
        let value: JSONValue
        switch body {
        case .map: value = JSONValue(body)
        case .string(let text):
            guard text.first(where: { !$0.isWhitespace }) == "{",
                let decoded = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            else { return nil }
            value = decoded
        default: return nil
        }
        guard case .object(let object) = value else { return nil }
        var fields: [Label] = []
        flatten(object, prefix: "", into: &fields)
        return fields
    }

    private static func flatten(_ object: [String: JSONValue], prefix: String, into fields: inout [Label]) {
        for key in object.keys.sorted() {
            let name = prefix.isEmpty ? LabelName.sanitize(key) : prefix + "_" + LabelName.sanitize(key)
            switch object[key]! {
            case .object(let nested): flatten(nested, prefix: name, into: &fields)
            case .string(let text): fields.append(Label(name, text))
            case .int(let number): fields.append(Label(name, String(number)))
            case .double(let number): fields.append(Label(name, PrometheusNumber.format(number)))
            case .bool(let flag): fields.append(Label(name, String(flag)))
            case .array:
                let data = (try? JSONEncoder().encode(object[key]!)) ?? Data()
                fields.append(Label(name, String(decoding: data, as: UTF8.self)))
            }
        }
    }
}

import LumenModel

/// An attribute value in the native JSON API: strings, numbers and booleans as themselves, arrays and maps as
/// arrays and objects, bytes as hex text.
public enum JSONValue: Codable, Sendable, Equatable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(_ value: AttributeValue) {
        switch value {
        case .string(let text): self = .string(text)
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .int(number)
        case .double(let number): self = .double(number)
        case .bytes(let bytes): self = .string(HexCoding.encode(bytes))
        case .array(let values): self = .array(values.map(JSONValue.init))
        case .map(let attributes): self = .object(JSONValue.object(attributes))
        }
    }

    public static func object(_ attributes: [Attribute]) -> [String: JSONValue] {
        Dictionary(attributes.map { ($0.key, JSONValue($0.value)) }, uniquingKeysWith: { first, _ in first })
    }

    public var attributeValue: AttributeValue {
        switch self {
        case .string(let text): .string(text)
        case .int(let number): .int(number)
        case .double(let number): .double(number)
        case .bool(let flag): .bool(flag)
        case .array(let values): .array(values.map(\.attributeValue))
        case .object(let fields): .map(JSONValue.attributes(fields))
        }
    }

    /// Keys sorted, so converting back is deterministic.
    public static func attributes(_ fields: [String: JSONValue]?) -> [Attribute] {
        (fields ?? [:]).sorted { $0.key < $1.key }.map { Attribute($0.key, $0.value.attributeValue) }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Int64.self) {
            self = .int(number)
        } else if let number = try? container.decode(Double.self) {
            self = .double(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let values = try? container.decode([JSONValue].self) {
            self = .array(values)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .int(let number): try container.encode(number)
        case .double(let number):
            // JSON has no NaN or infinities; Prometheus writes them as text too.
            if number.isFinite { try container.encode(number) } else { try container.encode(String(number)) }
        case .bool(let flag): try container.encode(flag)
        case .array(let values): try container.encode(values)
        case .object(let fields): try container.encode(fields)
        }
    }
}

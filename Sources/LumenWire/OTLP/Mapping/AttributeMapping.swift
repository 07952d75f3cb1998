import Foundation
import LumenModel

/// Conversions between OTLP's `AnyValue`/`KeyValue` and the model's `AttributeValue`/`Attribute`.
/// An `AnyValue` with no member set (OTLP's "empty") becomes the empty string: the model has no null.
enum AttributeMapping {
    static func value(_ any: OTelAnyValue) -> AttributeValue {
        switch any.value {
        case .stringValue(let value): .string(value)
        case .boolValue(let value): .bool(value)
        case .intValue(let value): .int(value)
        case .doubleValue(let value): .double(value)
        case .bytesValue(let value): .bytes(Array(value))
        case .arrayValue(let array): .array(array.values.map(value))
        case .kvlistValue(let list): .map(attributes(list.values))
        case nil: .string("")
        }
    }

    static func attributes(_ pairs: [OTelKeyValue]) -> [Attribute] {
        pairs.map { Attribute($0.key, value($0.value)) }
    }

    static func anyValue(_ value: AttributeValue) -> OTelAnyValue {
        var any = OTelAnyValue()
        switch value {
        case .string(let text): any.stringValue = text
        case .bool(let flag): any.boolValue = flag
        case .int(let number): any.intValue = number
        case .double(let number): any.doubleValue = number
        case .bytes(let bytes): any.bytesValue = Data(bytes)
        case .array(let values): any.arrayValue = .with { $0.values = values.map(anyValue) }
        case .map(let attributes): any.kvlistValue = .with { $0.values = keyValues(attributes) }
        }
        return any
    }

    static func keyValues(_ attributes: [Attribute]) -> [OTelKeyValue] {
        attributes.map { attribute in
            OTelKeyValue.with {
                $0.key = attribute.key
                $0.value = anyValue(attribute.value)
            }
        }
    }

    static func resource(_ resource: OTelResource) -> Resource {
        Resource(attributes: attributes(resource.attributes))
    }

    static func scope(_ scope: OTelScope) -> InstrumentationScope {
        InstrumentationScope(name: scope.name, version: scope.version)
    }

    /// Nanoseconds on the wire are unsigned; the model's are signed. Values past `Int64.max` (year 2262)
    /// are clamped rather than wrapped negative.
    static func nanoseconds(_ value: UInt64) -> Int64 { Int64(clamping: value) }
    static func wireNanoseconds(_ value: Int64) -> UInt64 { UInt64(clamping: value) }
}

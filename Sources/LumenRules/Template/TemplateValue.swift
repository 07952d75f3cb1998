/// A value a rule template works on, standing for the Go value Prometheus would hand `text/template`.
///
/// The cases mirror the Go types rule templates meet, because Go's template semantics depend on them: a
/// missing key of `.Labels` (a `map[string]string`) is `""`, of a `map[string]interface{}` `<no value>`;
/// `gt $value 1` is an error (float64 against int) while `gt $value 1.0` is not.
public enum TemplateValue: Sendable, Hashable {
    case string(String)
    /// A Go float64.
    case float(Double)
    /// A Go int (number constants without `.`, `e` or `p`; `len`'s answer).
    case int(Int)
    case bool(Bool)
    /// A Go `map[string]string`: labels. A missing key reads as `""`.
    case labels([String: String])
    /// A Go `map[string]interface{}`. A missing key reads as nil (printed `<no value>`).
    case map([String: TemplateValue])
    /// A Go slice.
    case list([TemplateValue])
    /// A Go struct: fields in declaration order, and the type's name for error messages.
    case record(type: String, fields: [Field])
    /// Go's untyped nil / a missing value.
    case null

    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: TemplateValue
        public init(_ name: String, _ value: TemplateValue) {
            self.name = name
            self.value = value
        }
    }

    /// Go's `%T` of the value, for error messages.
    var goTypeName: String {
        switch self {
        case .string: "string"
        case .float: "float64"
        case .int: "int"
        case .bool: "bool"
        case .labels: "map[string]string"
        case .map: "map[string]interface {}"
        case .list: "[]interface {}"
        case .record(let type, _): type
        case .null: "<nil>"
        }
    }

    /// Go's `reflect.Kind` name, which some errors print instead of the type.
    var goKindName: String {
        switch self {
        case .labels, .map: "map"
        case .list: "slice"
        case .record: "struct"
        case .null: "invalid"
        default: goTypeName
        }
    }

    /// Go templates' truth: false, 0, nil and empty strings, maps and slices are false.
    var isTrue: Bool {
        switch self {
        case .string(let text): !text.isEmpty
        case .float(let value): value != 0
        case .int(let value): value != 0
        case .bool(let value): value
        case .labels(let labels): !labels.isEmpty
        case .map(let map): !map.isEmpty
        case .list(let list): !list.isEmpty
        case .record: true
        case .null: false
        }
    }

    /// The field or key `name` of a map or struct, as `.name` reads it with Prometheus' `missingkey=zero`.
    func field(_ name: String) throws(TemplateFunctionError) -> TemplateValue {
        switch self {
        case .labels(let labels): return .string(labels[name] ?? "")
        case .map(let map): return map[name] ?? .null
        case .record(let type, let fields):
            if let field = fields.first(where: { $0.name == name }) { return field.value }
            throw TemplateFunctionError("can't evaluate field \(name) in type \(type)")
        case .null: return .null
        default: throw TemplateFunctionError("can't evaluate field \(name) in type \(goTypeName)")
        }
    }
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
}

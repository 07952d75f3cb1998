/// A function a template can call, with the parameter types Go would check its arguments against (a number
/// constant passed as `string` is a parse-time-looking error, a float64 variable passed as `string` is
/// "wrong type for value").
struct TemplateFunction: Sendable {
    enum Parameter: Sendable {
        /// `interface{}` or `reflect.Value`: anything, number constants as int or float64 by their spelling.
        case any
        case string
        case float
        case int
        case bool

        var goName: String {
            switch self {
            case .any: "interface {}"
            case .string: "string"
            case .float: "float64"
            case .int: "int"
            case .bool: "bool"
            }
        }
    }

    typealias Body = @Sendable ([TemplateValue], TemplateEnvironment) throws(TemplateFunctionError) -> TemplateValue

    var parameters: [Parameter]
    /// The type of the trailing `...` arguments, if the function is variadic.
    var variadic: Parameter?
    var body: Body

    init(_ parameters: [Parameter], variadic: Parameter? = nil, _ body: @escaping Body) {
        self.parameters = parameters
        self.variadic = variadic
        self.body = body
    }

    /// Every function a rule template may call: Go's builtins and Prometheus' additions.
    static let all: [String: TemplateFunction] = builtins.merging(prometheus) { builtin, _ in builtin }

    static let names = Set(all.keys).union(["and", "or"])
}

/// What a function may need besides its arguments: Prometheus' external URL and its query function.
struct TemplateEnvironment: Sendable {
    var externalURL: String
    var query: (@Sendable (String) throws -> [TemplateSample])?
}

/// The error a function returns; the executor prefixes "error calling NAME: ".
struct TemplateFunctionError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

extension TemplateValue {
    /// Prometheus' `convertToFloat`: float64, int and numeric strings; anything else is an error.
    func convertedToFloat() throws(TemplateFunctionError) -> Double {
        switch self {
        case .float(let value): return value
        case .int(let value): return Double(value)
        case .string(let text):
            guard let value = GoParse.float(text) else {
                throw TemplateFunctionError("strconv.ParseFloat: parsing \(TemplateQuoting.quote(text)): invalid syntax")
            }
            return value
        default: throw TemplateFunctionError("can't convert \(goTypeName) to float")
        }
    }

    /// The string of a `string` argument (the executor has checked the type).
    var stringValue: String {
        if case .string(let text) = self { return text }
        return GoFormat.value(self)
    }
}

/// Go's `strconv` number parsing, where Swift's differs.
enum GoParse {
    /// `strconv.ParseFloat(text, 64)`: decimal and hex floats, `_` only between digits of a prefixed
    /// number, `Inf`/`Infinity`/`NaN` in any case with an optional sign.
    static func float(_ text: String) -> Double? {
        let lower = text.lowercased()
        var body = Substring(lower)
        var negative = false
        if let sign = body.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        if body == "inf" || body == "infinity" { return negative ? -.infinity : .infinity }
        if body == "nan" { return text.first == "+" || text.first == "-" ? nil : .nan }
        guard let first = body.first, first.isASCII, first.isNumber || first == "." else { return nil }
        guard body.allSatisfy({ $0.isASCII && ($0.isHexDigit || ".xp+-_".contains($0)) }) else { return nil }
        let digits = body.hasPrefix("0x") ? String(body.filter { $0 != "_" }) : String(body)
        guard let value = Double(digits) else { return nil }
        return negative ? -value : value
    }
}

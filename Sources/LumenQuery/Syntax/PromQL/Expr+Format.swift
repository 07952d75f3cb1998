import LumenModel

/// PromQL text of an expression, as Prometheus 2.x writes it (`promql/parser/printer.go` and `prettier.go`):
/// what `/api/v1/format_query` answers, so tools that compare it with Prometheus' answer see the same text.
///
/// Selector matchers are sorted and the metric name leads (`up{job="a"}`), numbers and strings are written as
/// Go writes them (`1e+06`, `"a\n"`), durations as Prometheus spells them (`1h30m`), `@` with milliseconds.
extension Expr {
    /// Prometheus' one-line form.
    public var promQL: String {
        switch self {
        case .number(let value): PromQLText.number(value)
        case .string(let text): PromQLText.quoted(text)
        case .vectorSelector(let selector): selector.promQL(range: nil)
        case .matrixSelector(let selector, let range): selector.promQL(range: range)
        case .subquery(let inner, let range, let step, let modifiers):
            inner.promQL + PromQLText.subquerySuffix(range: range, step: step, modifiers: modifiers)
        case .call(let name, let arguments): name + "(" + arguments.map(\.promQL).joined(separator: ", ") + ")"
        case .aggregation(let aggregation):
            aggregation.operatorText + "(" + (aggregation.parameter.map { $0.promQL + ", " } ?? "")
                + aggregation.expr.promQL + ")"
        case .unary(let negate, let inner): (negate ? "-" : "+") + inner.promQL
        case .binary(let binary): binary.lhs.promQL + " " + binary.operatorText + " " + binary.rhs.promQL
        case .parenthesized(let inner): "(" + inner.promQL + ")"
        // Native-language ranges have no PromQL text; the PromQL parser never makes one.
        case .telemetryRange(let range): "<log or span range>[" + PromQLText.duration(range.range) + "]"
        }
    }

    /// Prometheus' `Pretty` form, `format_query`'s answer: an expression whose one-line form fits in 100
    /// characters stays on one line; a longer one is split, its operands indented two spaces a level.
    public func prettyPromQL(level: Int = 0) -> String {
        let indent = String(repeating: "  ", count: level)
        let line = promQL
        if line.utf8.count <= PromQLText.maxCharactersPerLine {
            // A subquery does not indent itself when it fits (as Prometheus' printer does).
            if case .subquery = self { return line }
            return indent + line
        }
        switch self {
        case .aggregation(let aggregation):
            let parameter = aggregation.parameter.map { $0.prettyPromQL(level: level + 1) + ",\n" } ?? ""
            return indent + aggregation.operatorText + "(\n" + parameter + aggregation.expr.prettyPromQL(level: level + 1)
                + "\n" + indent + ")"
        case .binary(let binary):
            return binary.lhs.prettyPromQL(level: level + 1) + "\n" + indent + binary.operatorText + "\n"
                + binary.rhs.prettyPromQL(level: level + 1)
        case .call(let name, let arguments):
            return indent + name + "(\n" + arguments.map { $0.prettyPromQL(level: level + 1) }.joined(separator: ",\n")
                + "\n" + indent + ")"
        case .parenthesized(let inner):
            return indent + "(\n" + inner.prettyPromQL(level: level + 1) + "\n" + indent + ")"
        case .subquery(let inner, let range, let step, let modifiers):
            return inner.prettyPromQL(level: level)
                + PromQLText.subquerySuffix(range: range, step: step, modifiers: modifiers)
        case .unary(let negate, let inner):
            return indent + (negate ? "-" : "+") + PromQLText.trimmed(inner.prettyPromQL(level: level))
        default:
            return indent + line
        }
    }
}

extension Aggregation {
    /// `sum`, `sum by (job) `, `sum without (instance) ` (the trailing space is Prometheus').
    var operatorText: String {
        switch grouping {
        case .without(let labels): op + " without (" + labels.joined(separator: ", ") + ") "
        case .by(let labels) where !labels.isEmpty: op + " by (" + labels.joined(separator: ", ") + ") "
        case .by: op
        }
    }
}

extension BinaryExpr {
    /// `+`, `> bool`, `/ on (job) group_left (team)`.
    var operatorText: String {
        var text = op.rawValue + (returnBool ? " bool" : "")
        guard let matching, matching.on || !matching.labels.isEmpty else { return text }
        text += (matching.on ? " on (" : " ignoring (") + matching.labels.joined(separator: ", ") + ")"
        switch matching.cardinality {
        case .oneToOne: break
        case .manyToOne(let include): text += " group_left (" + include.joined(separator: ", ") + ")"
        case .oneToMany(let include): text += " group_right (" + include.joined(separator: ", ") + ")"
        }
        return text
    }
}

extension VectorSelector {
    /// `name{matchers}[range] @ at offset off`, the matchers sorted, the name's own matcher as the name.
    func promQL(range: Int64?) -> String {
        let nameMatcher = matchers.firstIndex { $0.name == Labels.metricName && $0.op == .equal }
        let name = nameMatcher.map { matchers[$0].value } ?? ""
        let others = matchers.indices.filter { $0 != nameMatcher }
            .map { matchers[$0].name + matchers[$0].op.rawValue + PromQLText.quoted(matchers[$0].value) }
            .sorted { Array($0.utf8).lexicographicallyPrecedes($1.utf8) }
        let braces = others.isEmpty ? "" : "{" + others.joined(separator: ",") + "}"
        let rangeText = range.map { "[" + PromQLText.duration($0) + "]" } ?? ""
        return name + braces + rangeText + PromQLText.suffix(modifiers)
    }
}

/// Go's and Prometheus' ways of writing values, which `Expr.promQL` follows.
public enum PromQLText {
    static let maxCharactersPerLine = 100

    /// `[range:step] @ at offset off`; no step means the default resolution, written `[5m:]`.
    static func subquerySuffix(range: Int64, step: Int64?, modifiers: TimeModifiers) -> String {
        "[" + duration(range) + ":" + (step.map(duration) ?? "") + "]" + suffix(modifiers)
    }

    /// ` @ 1700000000.000 offset 5m`: `@` before `offset`, each only when set.
    static func suffix(_ modifiers: TimeModifiers) -> String {
        var text = ""
        switch modifiers.at {
        case .time(let nanoseconds): text += " @ " + seconds(nanoseconds)
        case .start: text += " @ start()"
        case .end: text += " @ end()"
        case nil: break
        }
        if modifiers.offset > 0 { text += " offset " + duration(modifiers.offset) }
        if modifiers.offset < 0 { text += " offset -" + duration(-modifiers.offset) }
        return text
    }

    /// Milliseconds as seconds with three decimals (Go's `%.3f` of them): `1700000000.500`.
    static func seconds(_ nanoseconds: Int64) -> String {
        let milliseconds = nanoseconds / 1_000_000
        let magnitude = milliseconds.magnitude
        let fraction = String(magnitude % 1000)
        return (milliseconds < 0 ? "-" : "") + String(magnitude / 1000) + "."
            + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// Prometheus' `model.Duration` text: `0s`, `90s` → `1m30s`, `1w`, `1y`; weeks and years only when whole.
    public static func duration(_ nanoseconds: Int64) -> String {
        var milliseconds = nanoseconds / 1_000_000
        guard milliseconds != 0 else { return "0s" }
        let day: Int64 = 24 * 3600 * 1000
        var text = ""
        let units: [(String, Int64, exact: Bool)] = [
            ("y", 365 * day, true), ("w", 7 * day, true), ("d", day, false), ("h", 3_600_000, false),
            ("m", 60_000, false), ("s", 1000, false), ("ms", 1, false),
        ]
        for (unit, size, exact) in units where !(exact && milliseconds % size != 0) {
            let count = milliseconds / size
            if count > 0 {
                text += String(count) + unit
                milliseconds -= count * size
            }
        }
        return text
    }

    /// A float as Go's `fmt.Sprint` writes it: the shortest digits that read back exactly, with an exponent
    /// below 1e-4 and from 1e+06 on (`1e+06`, `1.5e-05`, `123456`, `0.001`), `+Inf`, `-Inf`, `NaN`.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        // Swift's description is the shortest round-tripping form too, in its own layout: take its digits.
        let text = "\(value.magnitude)"
        let parts = text.split(separator: "e", maxSplits: 1)
        let exponent = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        var digits = Array(mantissa[0].utf8) + (mantissa.count == 2 ? Array(mantissa[1].utf8) : [])
        var point = mantissa[0].utf8.count + exponent  // digits before the decimal point
        while digits.first == UInt8(ascii: "0") {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        let sign = value < 0 ? "-" : ""
        let decimalExponent = point - 1
        if decimalExponent < -4 || decimalExponent >= 6 {
            let rest = digits.count > 1 ? "." + String(decoding: digits.dropFirst(), as: UTF8.self) : ""
            let exponentDigits = String(decimalExponent.magnitude)
            return sign + String(decoding: digits.prefix(1), as: UTF8.self) + rest + "e"
                + (decimalExponent < 0 ? "-" : "+") + (exponentDigits.count < 2 ? "0" : "") + exponentDigits
        }
        if point <= 0 {
            return sign + "0." + String(repeating: "0", count: -point) + String(decoding: digits, as: UTF8.self)
        }
        if point >= digits.count {
            return sign + String(decoding: digits, as: UTF8.self) + String(repeating: "0", count: point - digits.count)
        }
        return sign + String(decoding: digits.prefix(point), as: UTF8.self) + "."
            + String(decoding: digits.dropFirst(point), as: UTF8.self)
    }

    /// Go's `%q`: in double quotes, `"` and `\` escaped, control and other unprintable characters as `\n`,
    /// `\x01`, `\u00a0`; every printable character as itself. Go's `strconv.Quote`, which templates use too.
    public static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\u{07}": result += "\\a"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{0B}": result += "\\v"
            case " ": result += " "
            default:
                if isPrintable(scalar) {
                    result.unicodeScalars.append(scalar)
                } else if scalar.value < 0x80 {
                    result += "\\x" + hex(scalar.value, width: 2)
                } else if scalar.value < 0x10000 {
                    result += "\\u" + hex(scalar.value, width: 4)
                } else {
                    result += "\\U" + hex(scalar.value, width: 8)
                }
            }
        }
        return result + "\""
    }

    /// Go's `unicode.IsPrint` without the space: letters, marks, numbers, punctuation and symbols.
    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .spaceSeparator, .lineSeparator,
            .paragraphSeparator:
            false
        default: true
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Without leading and trailing spaces and newlines, as Go's `strings.TrimSpace`.
    static func trimmed(_ text: String) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(text[first...last])
    }
}

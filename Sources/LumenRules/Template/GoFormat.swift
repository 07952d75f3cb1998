import Foundation

/// Go's `fmt` as rule templates meet it: how `{{ $value }}` prints a float64 (`%v`: the shortest digits
/// that round-trip, in `%e` form when the exponent is below -4 or at least 6, so 1234567 prints
/// `1.234567e+06`), `printf`'s verbs, flags, width and precision, and `%!verb(type=value)` for a wrong argument.
enum GoFormat {
    // MARK: %v

    /// `fmt.Sprint(value)` of one value; `nil` prints as `<nil>` (the template itself prints `<no value>`).
    static func value(_ value: TemplateValue) -> String {
        switch value {
        case .string(let text): text
        case .float(let number): float(number)
        case .int(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .labels(let labels):
            "map[" + labels.keys.sorted().map { "\($0):\(labels[$0]!)" }.joined(separator: " ") + "]"
        case .map(let map):
            "map[" + map.keys.sorted().map { "\($0):\(Self.value(map[$0]!))" }.joined(separator: " ") + "]"
        case .list(let list): "[" + list.map(Self.value).joined(separator: " ") + "]"
        case .record(_, let fields): "{" + fields.map { Self.value($0.value) }.joined(separator: " ") + "}"
        case .null: "<nil>"
        }
    }

    /// `fmt.Sprint(args...)`: a space between two operands when neither is a string.
    static func sprint(_ values: [TemplateValue]) -> String {
        var result = ""
        for (index, argument) in values.enumerated() {
            if index > 0, !isString(argument), !isString(values[index - 1]) { result += " " }
            result += value(argument)
        }
        return result
    }

    /// `fmt.Sprintln(args...)`: spaces between all operands and a newline.
    static func sprintln(_ values: [TemplateValue]) -> String {
        values.map(value).joined(separator: " ") + "\n"
    }

    private static func isString(_ value: TemplateValue) -> Bool {
        if case .string = value { return true }
        return false
    }

    /// A float64 as `%v` prints it: `strconv.FormatFloat(v, 'g', -1, 64)`, whose shortest form switches to
    /// an exponent below 1e-4 and from 1e6.
    static func float(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number < 0 ? "-Inf" : "+Inf" }
        if number == 0 { return number.sign == .minus ? "-0" : "0" }
        let (digits, point) = shortestDigits(number.magnitude)
        let sign = number < 0 ? "-" : ""
        let exponent = point - 1
        if exponent < -4 || exponent >= 6 {
            return sign + exponentForm(digits, exponent: exponent, fractionDigits: digits.count - 1)
        }
        return sign + fixedForm(digits, point: point, fractionDigits: max(digits.count - point, 0))
    }

    /// The shortest decimal digits that read back as `magnitude` (> 0, finite) and the position of the
    /// decimal point: magnitude = 0.d₁d₂… × 10^point. Swift's `description` prints the same shortest
    /// digits Go's `strconv` chooses (both pick the closest when several are as short).
    static func shortestDigits(_ magnitude: Double) -> (digits: [UInt8], point: Int) {
        let text = magnitude.description
        let parts = text.split(separator: "e", maxSplits: 1)
        let exponent = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts[0]
        let integerLength = mantissa.firstIndex(of: ".").map { mantissa.distance(from: mantissa.startIndex, to: $0) }
            ?? mantissa.count
        var digits = mantissa.utf8.filter { $0 != UInt8(ascii: ".") }.map { $0 - UInt8(ascii: "0") }
        var point = integerLength + exponent
        while digits.first == 0 {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == 0 { digits.removeLast() }
        return (digits, point)
    }

    private static func exponentForm(_ digits: [UInt8], exponent: Int, fractionDigits: Int) -> String {
        var text = String(Character(Unicode.Scalar(digits[0] + UInt8(ascii: "0"))))
        if fractionDigits > 0 {
            text += "."
            for index in 1...fractionDigits {
                text += String(index < digits.count ? digits[index] : 0)
            }
        }
        let magnitude = String(abs(exponent))
        return text + (exponent < 0 ? "e-" : "e+") + (magnitude.count < 2 ? "0" : "") + magnitude
    }

    private static func fixedForm(_ digits: [UInt8], point: Int, fractionDigits: Int) -> String {
        var text = ""
        if point <= 0 {
            text = "0"
        } else {
            for index in 0..<point { text += String(index < digits.count ? digits[index] : 0) }
        }
        if fractionDigits > 0 {
            text += "."
            for index in 0..<fractionDigits {
                let position = point + index
                text += String(position >= 0 && position < digits.count ? digits[position] : 0)
            }
        }
        return text
    }

    // MARK: printf

    /// `fmt.Sprintf(format, args...)` for the verbs templates use: `%v %s %q %d %f %F %e %E %g %G %x %X %o
    /// %b %c %t %%`, flags `+ - # 0 space`, width and precision (also `*`).
    static func sprintf(_ format: String, _ arguments: [TemplateValue]) -> String {
        var output = ""
        var scalars = Array(format.unicodeScalars)[...]
        var argumentIndex = 0
        func nextArgument() -> TemplateValue? {
            guard argumentIndex < arguments.count else { return nil }
            defer { argumentIndex += 1 }
            return arguments[argumentIndex]
        }
        while let scalar = scalars.first {
            scalars = scalars.dropFirst()
            guard scalar == "%" else {
                output.unicodeScalars.append(scalar)
                continue
            }
            var spec = Spec()
            flags: while let flag = scalars.first {
                switch flag {
                case "+": spec.plus = true
                case "-": spec.minus = true
                case "#": spec.sharp = true
                case "0": spec.zero = true
                case " ": spec.space = true
                default: break flags
                }
                scalars = scalars.dropFirst()
            }
            if scalars.first == "*" {
                scalars = scalars.dropFirst()
                if case .int(let width)? = nextArgument() {
                    spec.width = min(abs(width), maximumWidth)
                    if width < 0 { spec.minus = true }
                } else {
                    output += "%!(BADWIDTH)"
                }
            } else {
                spec.width = readNumber(&scalars)
            }
            if scalars.first == "." {
                scalars = scalars.dropFirst()
                if scalars.first == "*" {
                    scalars = scalars.dropFirst()
                    if case .int(let precision)? = nextArgument(), precision >= 0 {
                        spec.precision = min(precision, maximumWidth)
                    } else {
                        output += "%!(BADPREC)"
                    }
                } else {
                    spec.precision = readNumber(&scalars) ?? 0
                }
            }
            guard let verb = scalars.first else {
                output += "%!(NOVERB)"
                break
            }
            scalars = scalars.dropFirst()
            if verb == "%" {
                output += "%"
                continue
            }
            guard let argument = nextArgument() else {
                output += "%!\(Character(verb))(MISSING)"
                continue
            }
            output += formatArgument(argument, verb: Character(verb), spec: spec)
        }
        if argumentIndex < arguments.count {
            output += "%!(EXTRA " + arguments[argumentIndex...].map { argument in
                argument == .null ? "<nil>" : "\(argument.goTypeName)=\(value(argument))"
            }.joined(separator: ", ") + ")"
        }
        return output
    }

    /// Go has no limit; this keeps a template's `%999999999d` from allocating gigabytes.
    private static let maximumWidth = 10_000

    private struct Spec {
        var plus = false, minus = false, sharp = false, zero = false, space = false
        var width: Int?
        var precision: Int?
    }

    private static func readNumber(_ scalars: inout ArraySlice<Unicode.Scalar>) -> Int? {
        var number: Int?
        while let scalar = scalars.first, scalar.properties.numericType == .decimal, scalar.isASCII {
            number = min((number ?? 0) * 10 + Int(scalar.value - 48), maximumWidth)
            scalars = scalars.dropFirst()
        }
        return number
    }

    private static func formatArgument(_ argument: TemplateValue, verb: Character, spec: Spec) -> String {
        switch (argument, verb) {
        case (_, "v"):
            if case .float(let number) = argument {
                return pad(signed(float(number), spec), spec, numeric: number.isFinite)
            }
            return pad(value(argument), spec, numeric: false)
        case (.string(let text), "s"):
            return pad(spec.precision.map { String(text.unicodeScalars.prefix($0)) } ?? text, spec, numeric: false)
        case (.labels, "s"), (.map, "s"), (.list, "s"):
            return pad(value(argument), spec, numeric: false)
        case (.string(let text), "q"):
            return pad(TemplateQuoting.quote(text), spec, numeric: false)
        case (.string(let text), "x"), (.string(let text), "X"):
            let hex = text.utf8.map { byte in
                let digits = String(byte, radix: 16, uppercase: verb == "X")
                return digits.count == 1 ? "0" + digits : digits
            }.joined()
            return pad(hex, spec, numeric: false)
        case (.bool(let flag), "t"):
            return pad(flag ? "true" : "false", spec, numeric: false)
        case (.int(let number), "d"), (.int(let number), "x"), (.int(let number), "X"), (.int(let number), "o"),
             (.int(let number), "b"):
            let radix = verb == "d" ? 10 : verb == "o" ? 8 : verb == "b" ? 2 : 16
            var digits = String(number.magnitude, radix: radix, uppercase: verb == "X")
            if let precision = spec.precision, digits.count < precision {
                digits = String(repeating: "0", count: precision - digits.count) + digits
            }
            if spec.sharp, verb == "x" || verb == "X" { digits = (verb == "x" ? "0x" : "0X") + digits }
            if spec.sharp, verb == "o" { digits = "0" + digits }
            let sign = number < 0 ? "-" : spec.plus ? "+" : spec.space ? " " : ""
            var integerSpec = spec
            if spec.precision != nil { integerSpec.zero = false }  // Go ignores 0 when a precision is given
            return pad(sign + digits, integerSpec, numeric: true)
        case (.int(let number), "c"):
            return pad(Unicode.Scalar(UInt32(clamping: number)).map { String(Character($0)) } ?? "\u{FFFD}", spec,
                       numeric: false)
        case (.int(let number), "q"):
            let character = Unicode.Scalar(UInt32(clamping: number)).map { String(Character($0)) } ?? "\u{FFFD}"
            let quoted = TemplateQuoting.quote(character)
            return pad("'" + quoted.dropFirst().dropLast().replacingOccurrences(of: "\\\"", with: "\"") + "'", spec,
                       numeric: false)
        case (.float(let number), "e"), (.float(let number), "E"), (.float(let number), "f"), (.float(let number), "F"),
             (.float(let number), "g"), (.float(let number), "G"):
            guard number.isFinite else {
                let text = number.isNaN ? "NaN" : number < 0 ? "-Inf" : "+Inf"
                var noZero = spec
                noZero.zero = false
                return pad(number.isNaN || number < 0 ? text : signed(String(text.dropFirst()), spec, infinity: true),
                           noZero, numeric: false)
            }
            let text: String
            if (verb == "g" || verb == "G"), spec.precision == nil {
                text = verb == "G" ? float(number).uppercased() : shortestG(number)
            } else {
                let cVerb = verb == "F" ? "f" : String(verb)
                text = String(format: "%\(spec.sharp ? "#" : "").\(spec.precision ?? 6)\(cVerb)", number)
            }
            return pad(signed(text, spec), spec, numeric: true)
        default:
            return "%!\(verb)(" + (argument == .null ? "<nil>" : "\(argument.goTypeName)=\(value(argument))") + ")"
        }
    }

    /// `%g` without a precision: the shortest digits, as `%v`.
    private static func shortestG(_ number: Double) -> String { float(number) }

    /// Adds the `+` or space flag's sign to a non-negative number's text.
    private static func signed(_ text: String, _ spec: Spec, infinity: Bool = false) -> String {
        if text.hasPrefix("-") { return text }
        if spec.plus { return "+" + text }
        if spec.space { return " " + text }
        return infinity ? "+" + text : text
    }

    /// Pads to the width: spaces on the left (right with `-`), or zeros with `0` (after the sign on numbers).
    private static func pad(_ text: String, _ spec: Spec, numeric: Bool) -> String {
        guard let width = spec.width else { return text }
        let length = text.unicodeScalars.count
        guard length < width else { return text }
        let fill = width - length
        if spec.minus { return text + String(repeating: " ", count: fill) }
        if spec.zero {
            let signLength = numeric && text.first.map { "+- ".contains($0) } == true ? 1 : 0
            return String(text.prefix(signLength)) + String(repeating: "0", count: fill) + text.dropFirst(signLength)
        }
        return String(repeating: " ", count: fill) + text
    }
}

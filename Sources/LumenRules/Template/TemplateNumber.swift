/// A number constant of a template, as Go's `parse.NumberNode` reads it: decimal, `0x`, `0o`, `0b` and
/// leading-zero octal integers, decimal and hex floats, `_` between digits, and character constants ('a').
struct TemplateNumber: Sendable, Hashable {
    let text: String
    let integer: Int?
    let float: Double?

    init?(_ text: String) {
        self.text = text
        var body = Substring(text)
        var negative = false
        if let sign = body.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        guard let first = body.first, first.isASCII, first.isNumber || first == "." else { return nil }
        let digits = String(body.filter { $0 != "_" })
        let lower = digits.lowercased()
        var integer: Int?
        if lower.hasPrefix("0x") {
            integer = Int(lower.dropFirst(2), radix: 16)
        } else if lower.hasPrefix("0o") {
            integer = Int(lower.dropFirst(2), radix: 8)
        } else if lower.hasPrefix("0b") {
            integer = Int(lower.dropFirst(2), radix: 2)
        } else if lower.count > 1, lower.hasPrefix("0"), lower.allSatisfy({ $0.isASCII && $0.isNumber }) {
            integer = Int(lower.dropFirst(), radix: 8)
        } else {
            integer = Int(lower)
        }
        if negative { integer = integer.flatMap { $0 == 0 ? 0 : -$0 } }
        var float: Double?
        if let integer {
            float = Double(integer)
        } else if !lower.hasPrefix("0b"), !lower.hasPrefix("0o"),
                  lower.hasPrefix("0x") ? lower.contains("p") : true,
                  let value = Double(digits), value.isFinite {
            float = negative ? -value : value
        }
        guard integer != nil || float != nil else { return nil }
        self.integer = integer
        self.float = float
    }

    /// A character constant's code point, which Go treats as an integer constant.
    init?(character text: String) {
        guard let unquoted = try? TemplateQuoting.unquote(text), unquoted.unicodeScalars.count == 1,
              let scalar = unquoted.unicodeScalars.first else { return nil }
        self.text = text
        integer = Int(scalar.value)
        float = Double(scalar.value)
    }

    /// The value a number constant has where any type is accepted (Go's `idealConstant`): a float64 when
    /// written with `.`, `e` or `p` (and not a hex integer), an int otherwise.
    var idealValue: TemplateValue? {
        let lower = text.lowercased()
        let isHex = lower.hasPrefix("0x") || lower.hasPrefix("-0x") || lower.hasPrefix("+0x")
        let looksFloat = isHex ? lower.contains("p") : lower.contains(where: { ".ep".contains($0) })
        if looksFloat, !text.hasPrefix("'"), let float { return .float(float) }
        if let integer { return .int(integer) }
        return nil
    }
}

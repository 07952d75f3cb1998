import LumenModel

/// Splits query text into tokens. Identifiers may contain dots (`span.http.route`) and colons
/// (recording-rule names); numbers followed by a unit are durations (`500ms`, `1h30m`).
package struct Lexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1

    /// Longest first, so `!=` wins over `!` and `|=` over `|`.
    private static let symbols = [">>", "<<", "&&", "||", "!=", "=~", "!~", ">=", "<=", "==", "|=", "|~", "{", "}", "(", ")", "[",
        "]", ",", "=", ">", "<", "|", "+", "-", "*", "/", "%", "^", "@", ":", "~"]

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    package static func tokenize(_ text: String) throws(QueryError) -> [Token] {
        var lexer = Lexer(text)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private var position: SourcePosition { SourcePosition(line: line, column: column) }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    private mutating func advance() {
        if scalars[index] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }

    mutating func next() throws(QueryError) -> Token {
        while let scalar = peek(), scalar.properties.isWhitespace || scalar == "#" {
            if scalar == "#" {
                // A comment runs to the end of the line, as in PromQL.
                while let inComment = peek(), inComment != "\n" { advance() }
            } else {
                advance()
            }
        }
        let start = position
        guard let scalar = peek() else { return Token(kind: .end, position: start) }

        if scalar == "\"" || scalar == "'" || scalar == "`" {
            return Token(kind: .string(try string(quote: scalar)), position: start)
        }
        if Self.isDigit(scalar) || (scalar == "." && peek(1).map(Self.isDigit) == true) {
            return Token(kind: try numberOrDuration(), position: start)
        }
        // A `:` starts a name (`:recorded:rule`) only before a letter; else it is a subquery's `[5m:1m]`.
        // A `.` before a letter starts a TraceQL unscoped attribute (`.http.method`).
        let startsName = peek(1).map({ Self.isLetter($0) || $0 == "_" }) == true
        if (scalar == "." && startsName) || (Self.isIdentifierStart(scalar) && (scalar != ":" || startsName)) {
            var name = ""
            while let next = peek(), Self.isIdentifierPart(next) {
                name.unicodeScalars.append(next)
                advance()
            }
            return Token(kind: .identifier(name), position: start)
        }
        for symbol in Self.symbols where matches(symbol) {
            for _ in symbol.unicodeScalars { advance() }
            return Token(kind: .symbol(symbol), position: start)
        }
        throw QueryError("unexpected character \"\(scalar)\"", at: start)
    }

    private func matches(_ symbol: String) -> Bool {
        for (offset, scalar) in symbol.unicodeScalars.enumerated() where peek(offset) != scalar { return false }
        return true
    }

    private mutating func string(quote: Unicode.Scalar) throws(QueryError) -> String {
        let start = position
        advance()
        var value = ""
        while let scalar = peek() {
            advance()
            if scalar == quote { return value }
            if scalar == "\\" && quote != "`" {
                guard let escaped = peek() else { break }
                advance()
                switch escaped {
                case "n": value += "\n"
                case "t": value += "\t"
                case "r": value += "\r"
                case "x", "u", "U":
                    // Go's `\xFF`, `\u00e9`, `\U0001F600`.
                    let digits = escaped == "x" ? 2 : escaped == "u" ? 4 : 8
                    var hex = ""
                    for _ in 0..<digits {
                        guard let digit = peek(), digit.properties.isASCIIHexDigit else { break }
                        hex.unicodeScalars.append(digit)
                        advance()
                    }
                    guard hex.count == digits, let code = UInt32(hex, radix: 16), let decoded = Unicode.Scalar(code)
                    else {
                        throw QueryError("invalid escape sequence \\\(escaped)\(hex) in a string", at: start)
                    }
                    value.unicodeScalars.append(decoded)
                default: value.unicodeScalars.append(escaped)
                }
            } else {
                value.unicodeScalars.append(scalar)
            }
        }
        throw QueryError("unterminated string: expected a closing \(quote)", at: start)
    }

    private mutating func numberOrDuration() throws(QueryError) -> Token.Kind {
        let start = position
        var text = ""
        while let scalar = peek(), Self.isDigit(scalar) || scalar == "." || Self.isLetter(scalar) || scalar == "µ"
            || scalar == "_"
        {
            text.unicodeScalars.append(scalar)
            advance()
            // An exponent's sign belongs to the number: `1e-3`.
            if scalar == "e" || scalar == "E", let sign = peek(), sign == "-" || sign == "+",
                let digit = peek(1), Self.isDigit(digit), !text.hasPrefix("0x"), !text.hasPrefix("0X")
            {
                text.unicodeScalars.append(sign)
                advance()
            }
        }
        text = text.replacing("_", with: "")
        if let number = Double(text) { return .number(number) }
        if let duration = DurationText.parse(text) { return .duration(duration) }
        if let bytes = ByteSize.parse(text) { return .bytes(bytes) }
        throw QueryError(
            "\"\(text)\" is neither a number, a duration (like 500ms, 5m, 1h30m) nor a byte size (like 10KB)",
            at: start)
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }
    private static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        isLetter(scalar) || scalar == "_" || scalar == ":"
    }
    private static func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
        isIdentifierStart(scalar) || isDigit(scalar) || scalar == "."
    }
}

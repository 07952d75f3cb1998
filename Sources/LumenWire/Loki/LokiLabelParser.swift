/// Parses the label set of a Loki protobuf stream, which arrives as Prometheus text: `{app="cart", env="prod"}`.
/// Values are double-quoted with Go-style escapes (`\"`, `\\`, `\n`, `\t`, `\r`, `\'`, `\xHH`, `\uHHHH`).
enum LokiLabelParser {
    struct Failure: Error {
        let message: String
    }

    /// The pairs in the order written; names are checked as Prometheus label names, duplicates refused.
    static func parse(_ text: String) throws(Failure) -> [(name: String, value: String)] {
        var scalars = Array(text.unicodeScalars)[...]
        func fail(_ reason: String) -> Failure {
            Failure(message: "stream labels \(text.debugDescription): \(reason) at character \(text.unicodeScalars.count - scalars.count)")
        }
        func skipSpaces() { while let first = scalars.first, first == " " || first == "\t" || first == "\n" { scalars.removeFirst() } }
        skipSpaces()
        guard scalars.popFirst() == "{" else { throw fail("expected \"{\"") }
        var pairs: [(name: String, value: String)] = []
        var names = Set<String>()
        skipSpaces()
        if scalars.first == "}" {
            scalars.removeFirst()
        } else {
            while true {
                skipSpaces()
                var name = ""
                while let first = scalars.first, first.isASCII,
                    first.properties.isAlphabetic || first == "_" || ("0"..."9").contains(first)
                {
                    name.unicodeScalars.append(first)
                    scalars.removeFirst()
                }
                guard LabelValidation.isValidLabelName(name) else { throw fail("expected a label name") }
                skipSpaces()
                guard scalars.popFirst() == "=" else { throw fail("expected \"=\" after label \(name)") }
                skipSpaces()
                guard scalars.popFirst() == "\"" else { throw fail("expected a double-quoted value for label \(name)") }
                var value = String.UnicodeScalarView()
                while true {
                    guard let scalar = scalars.popFirst() else { throw fail("unterminated value of label \(name)") }
                    if scalar == "\"" { break }
                    guard scalar == "\\" else {
                        value.append(scalar)
                        continue
                    }
                    guard let escaped = scalars.popFirst() else { throw fail("unterminated escape in label \(name)") }
                    switch escaped {
                    case "n": value.append("\n")
                    case "t": value.append("\t")
                    case "r": value.append("\r")
                    case "\\", "\"", "'": value.append(escaped)
                    case "x", "u":
                        let digits = escaped == "x" ? 2 : 4
                        let hex = String(String.UnicodeScalarView(scalars.prefix(digits)))
                        guard hex.count == digits, let code = UInt32(hex, radix: 16), let decoded = Unicode.Scalar(code)
                        else { throw fail("invalid \\\(escaped) escape in label \(name)") }
                        value.append(decoded)
                        scalars.removeFirst(digits)
                    default:
                        throw fail("unknown escape \\\(escaped) in label \(name)")
                    }
                }
                guard names.insert(name).inserted else { throw fail("duplicate label \(name)") }
                pairs.append((name, String(value)))
                skipSpaces()
                guard let separator = scalars.popFirst() else { throw fail("expected \",\" or \"}\"") }
                if separator == "}" { break }
                guard separator == "," else { throw fail("expected \",\" or \"}\"") }
                skipSpaces()
                if scalars.first == "}" {  // a trailing comma, as Prometheus' parser allows
                    scalars.removeFirst()
                    break
                }
            }
        }
        skipSpaces()
        guard scalars.isEmpty else { throw fail("unexpected text after \"}\"") }
        return pairs
    }
}

import LumenQuery

/// Go's string quoting: `strconv.Unquote` for the template's string, raw string and character constants, and
/// `strconv.Quote` for `printf "%q"`.
enum TemplateQuoting {
    struct SyntaxError: Error {}

    static func unquote(_ text: String) throws(SyntaxError) -> String {
        var scalars = Array(text.unicodeScalars)
        guard scalars.count >= 2, let quote = scalars.first, scalars.last == quote else { throw SyntaxError() }
        scalars = Array(scalars[1..<(scalars.count - 1)])
        if quote == "`" {
            var result = String.UnicodeScalarView()
            result.append(contentsOf: scalars.filter { $0 != "\r" })
            return String(result)
        }
        guard quote == "\"" || quote == "'" else { throw SyntaxError() }
        var result = String.UnicodeScalarView()
        var bytes: [UInt8] = []  // \x and octal escapes are bytes; they join into UTF-8 with their neighbours
        func flushBytes() {
            guard !bytes.isEmpty else { return }
            result.append(contentsOf: String(decoding: bytes, as: UTF8.self).unicodeScalars)
            bytes.removeAll()
        }
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            guard scalar == "\\" else {
                if scalar == quote || scalar == "\n" { throw SyntaxError() }
                flushBytes()
                result.append(scalar)
                continue
            }
            guard index < scalars.count else { throw SyntaxError() }
            let escape = scalars[index]
            index += 1
            switch escape {
            case "a": flushBytes(); result.append("\u{07}")
            case "b": flushBytes(); result.append("\u{08}")
            case "f": flushBytes(); result.append("\u{0C}")
            case "n": flushBytes(); result.append("\n")
            case "r": flushBytes(); result.append("\r")
            case "t": flushBytes(); result.append("\t")
            case "v": flushBytes(); result.append("\u{0B}")
            case "\\": flushBytes(); result.append("\\")
            case "\"", "'":
                guard escape == quote else { throw SyntaxError() }
                flushBytes()
                result.append(escape)
            case "x", "u", "U":
                let length = escape == "x" ? 2 : escape == "u" ? 4 : 8
                guard index + length <= scalars.count,
                      let value = UInt32(String(String.UnicodeScalarView(scalars[index..<(index + length)])), radix: 16)
                else { throw SyntaxError() }
                index += length
                if escape == "x" {
                    bytes.append(UInt8(value))
                } else {
                    guard let decoded = Unicode.Scalar(value) else { throw SyntaxError() }
                    flushBytes()
                    result.append(decoded)
                }
            case "0"..."7":
                guard index + 2 <= scalars.count,
                      let value = UInt32(String(String.UnicodeScalarView(scalars[(index - 1)..<(index + 2)])), radix: 8),
                      value <= 255 else { throw SyntaxError() }
                index += 2
                bytes.append(UInt8(value))
            default:
                throw SyntaxError()
            }
        }
        flushBytes()
        return String(result)
    }

    /// `strconv.Quote`: double quotes, Go escapes for control characters, printable Unicode kept — the same
    /// quoting PromQL's printer uses.
    static func quote(_ text: String) -> String { PromQLText.quoted(text) }
}

import LumenModel

/// `| logfmt`: `key=value key2="quoted \"value\"" flag` as fields; a bare key has the value "". Names are made
/// valid label names.
enum LogfmtFields {
    /// The fields, or `nil` when the line is not logfmt (an unterminated quote, a pair without a key).
    static func parse(_ line: String) -> [Label]? {
        var fields: [Label] = []
        var scalars = line.unicodeScalars[...]
        func skipSpaces() { while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() } }
        skipSpaces()
        while !scalars.isEmpty {
            var key = ""
            while let first = scalars.first, first != "=", first != " ", first != "\t" {
                key.unicodeScalars.append(first)
                scalars.removeFirst()
            }
            guard !key.isEmpty, !key.contains("\"") else { return nil }
            var value = ""
            if scalars.first == "=" {
                scalars.removeFirst()
                if scalars.first == "\"" {
                    scalars.removeFirst()
                    var closed = false
                    while let first = scalars.popFirst() {
                        if first == "\"" { closed = true; break }
                        if first == "\\", let escaped = scalars.popFirst() {
                            value.unicodeScalars.append(escaped == "n" ? "\n" : escaped == "t" ? "\t" : escaped)
                        } else {
                            value.unicodeScalars.append(first)
                        }
                    }
                    guard closed else { return nil }
                } else {
                    while let first = scalars.first, first != " ", first != "\t" {
                        value.unicodeScalars.append(first)
                        scalars.removeFirst()
                    }
                }
            }
            fields.append(Label(LabelName.sanitize(key), value))
            skipSpaces()
        }
        return fields
    }
}

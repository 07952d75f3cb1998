import LumenModel

/// `| logfmt`: `key=value key2="quoted \"value\"" flag` as fields, read as Loki's decoder (go-logfmt's) reads
/// them. Pairs are separated by any character up to the space; a key ends at `=` or a separator; a value is
/// bare (up to a separator) or quoted (JSON escapes). A pair is malformed when its key is empty or holds `"`,
/// its bare value holds `=` or `"`, or its quote is unterminated or badly escaped. Names are made valid label
/// names.
enum LogfmtFields {
    /// The fields in line order, and whether a pair was malformed. A malformed pair is skipped, or with
    /// `strict` ends the read (the fields before it stay). Empty values (`key=`, a bare `flag`) are kept only
    /// with `keepEmpty`, as "".
    static func parse(_ line: String, strict: Bool = false, keepEmpty: Bool = false) -> (fields: [Label], malformed: Bool) {
        var decoder = Decoder(bytes: Array(line.utf8))
        var fields: [Label] = []
        var malformed = false
        while let pair = decoder.next() {
            guard let (key, value) = pair else {
                malformed = true
                if strict { break }
                continue
            }
            if value.isEmpty && !keepEmpty { continue }
            fields.append(Label(LabelName.sanitize(key), value))
        }
        return (fields, malformed)
    }

    private struct Decoder {
        let bytes: [UInt8]
        var position = 0

        /// The next pair (a bare key with the value ""), `.some(nil)` for a malformed one, nil at the end.
        mutating func next() -> (String, String)?? {
            while position < bytes.count, bytes[position] <= 0x20 { position += 1 }
            guard position < bytes.count else { return nil }
            let start = position
            while position < bytes.count, bytes[position] > 0x20, bytes[position] != UInt8(ascii: "=") {
                if bytes[position] == UInt8(ascii: "\"") { return skipMalformed() }
                position += 1
            }
            let key = text(start..<position)
            guard position < bytes.count, bytes[position] == UInt8(ascii: "=") else { return .some((key, "")) }
            guard position > start else { return skipMalformed() }
            position += 1
            guard position < bytes.count, bytes[position] > 0x20 else { return .some((key, "")) }
            if bytes[position] == UInt8(ascii: "\"") { return quoted(key) }
            let valueStart = position
            while position < bytes.count, bytes[position] > 0x20 {
                if bytes[position] == UInt8(ascii: "=") || bytes[position] == UInt8(ascii: "\"") { return skipMalformed() }
                position += 1
            }
            return .some((key, text(valueStart..<position)))
        }

        /// A quoted value; the decoder is at its opening quote.
        private mutating func quoted(_ key: String) -> (String, String)?? {
            let start = position + 1
            var escaped = false
            var hasEscapes = false
            position = start
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                    hasEscapes = true
                } else if byte == UInt8(ascii: "\"") {
                    let raw = bytes[start..<position - 1]
                    guard hasEscapes else { return .some((key, String(decoding: raw, as: UTF8.self))) }
                    return Self.unescape(raw).map { .some((key, $0)) } ?? .some(nil)
                }
            }
            return .some(nil)  // unterminated
        }

        /// JSON's escapes (`\" \\ \/ \b \f \n \r \t \uXXXX`); nil for any other, or a raw control character.
        private static func unescape(_ raw: ArraySlice<UInt8>) -> String? {
            var scalars = String.UnicodeScalarView()
            var iterator = String(decoding: raw, as: UTF8.self).unicodeScalars.makeIterator()
            while let scalar = iterator.next() {
                guard scalar.value >= 0x20 else { return nil }
                guard scalar == "\\" else {
                    scalars.append(scalar)
                    continue
                }
                switch iterator.next() {
                case "\""?: scalars.append("\"")
                case "\\"?: scalars.append("\\")
                case "/"?: scalars.append("/")
                case "b"?: scalars.append("\u{08}")
                case "f"?: scalars.append("\u{0C}")
                case "n"?: scalars.append("\n")
                case "r"?: scalars.append("\r")
                case "t"?: scalars.append("\t")
                case "u"?:
                    var hex = ""
                    for _ in 0..<4 { iterator.next().map { hex.unicodeScalars.append($0) } }
                    guard hex.count == 4, let code = UInt32(hex, radix: 16) else { return nil }
                    scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                default: return nil
                }
            }
            return String(scalars)
        }

        /// Skips to the next separator after a malformed pair.
        private mutating func skipMalformed() -> (String, String)?? {
            while position < bytes.count, bytes[position] > 0x20 { position += 1 }
            return .some(nil)
        }

        private func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
    }
}

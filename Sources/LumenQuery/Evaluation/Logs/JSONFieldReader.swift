import LumenModel

/// Reads one JSON object text (RFC 8259) in a single pass straight into `| json` fields, as Loki's parser
/// does: nested objects' keys joined with `_`, strings unescaped (`\uXXXX` surrogate pairs combined, a lone
/// surrogate read as U+FFFD), numbers kept as written (any size or precision, `1e400` stays `1e400`), `true` and
/// `false` as text, `null` as the empty string, and arrays validated but skipped.
///
/// Nesting is bounded by `JSONFields.maxDepth` (objects and arrays counted alike); deeper text is a parse error,
/// so the recursion here never runs deeper than that however the line is built. Raw control characters inside
/// strings are accepted: log shippers write tabs unescaped more often than not.
struct JSONFieldReader {
    // Internal, not private: JSONFieldReader+Path.swift reads values by path with the same scanner.
    let bytes: UnsafeBufferPointer<UInt8>
    var offset = 0
    var fields: [Label] = []

    struct Malformed: Error {}

    /// The fields of `text`, or `nil` when it is not exactly one well-formed JSON object.
    static func fields(_ text: String) -> [Label]? {
        var text = text
        return text.withUTF8 { bytes in
            var reader = JSONFieldReader(bytes: bytes)
            do {
                reader.skipWhitespace()
                guard reader.peek == UInt8(ascii: "{") else { return nil }
                try reader.object(prefix: "", depth: 1)
                reader.skipWhitespace()
                guard reader.offset == bytes.count else { return nil }
                return reader.fields
            } catch {
                return nil
            }
        }
    }

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    // MARK: - Values

    var peek: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    /// An object's members as fields under `prefix`; the reader is at its `{`.
    mutating func object(prefix: String, depth: Int) throws(Malformed) {
        try elements(closedBy: "}", depth: depth) { reader throws(Malformed) in
            guard reader.peek == UInt8(ascii: "\"") else { throw Malformed() }
            let key = LabelName.sanitize(try reader.string())
            reader.skipWhitespace()
            try reader.expect(":")
            reader.skipWhitespace()
            try reader.value(name: prefix.isEmpty ? key : prefix + "_" + key, depth: depth)
        }
    }

    /// A member's value: a field, the fields of a nested object, or nothing for an array.
    private mutating func value(name: String, depth: Int) throws(Malformed) {
        switch peek {
        case UInt8(ascii: "{"): try object(prefix: name, depth: depth + 1)
        case UInt8(ascii: "["): try skipArray(depth: depth + 1)
        default: fields.append(Label(name, try scalar()))
        }
    }

    /// A string, number, `true`, `false` or `null` as field text.
    mutating func scalar() throws(Malformed) -> String {
        guard let byte = peek else { throw Malformed() }
        switch byte {
        case UInt8(ascii: "\""): return try string()
        case UInt8(ascii: "t"): try literal("true"); return "true"
        case UInt8(ascii: "f"): try literal("false"); return "false"
        case UInt8(ascii: "n"): try literal("null"); return ""
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw Malformed()
        }
    }

    /// An array, checked to be well formed; `| json` extracts nothing from arrays (as LogQL).
    mutating func skipArray(depth: Int) throws(Malformed) {
        try elements(closedBy: "]", depth: depth) { reader throws(Malformed) in
            switch reader.peek {
            case UInt8(ascii: "{"):
                // Read like any object, then dropped: its fields belong to no name.
                let kept = reader.fields.count
                try reader.object(prefix: "", depth: depth + 1)
                reader.fields.removeSubrange(kept...)
            case UInt8(ascii: "["): try reader.skipArray(depth: depth + 1)
            default: _ = try reader.scalar()
            }
        }
    }

    /// The comma-separated elements of an object or array at `depth`, each read by `element`; the reader is at
    /// the opening bracket and ends past `close`.
    mutating func elements(
        closedBy close: Unicode.Scalar, depth: Int, _ element: (inout JSONFieldReader) throws(Malformed) -> Void
    ) throws(Malformed) {
        guard depth <= JSONFields.maxDepth else { throw Malformed() }
        offset += 1
        skipWhitespace()
        if peek == UInt8(ascii: close) {
            offset += 1
            return
        }
        while true {
            try element(&self)
            skipWhitespace()
            guard peek == UInt8(ascii: ",") else { return try expect(close) }
            offset += 1
            skipWhitespace()
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, returned as written.
    private mutating func number() throws(Malformed) -> String {
        let start = offset
        if peek == UInt8(ascii: "-") { offset += 1 }
        if peek == UInt8(ascii: "0") {
            offset += 1
        } else {
            try digits()
        }
        if peek == UInt8(ascii: ".") {
            offset += 1
            try digits()
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            offset += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { offset += 1 }
            try digits()
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
    }

    /// One or more decimal digits.
    private mutating func digits() throws(Malformed) {
        let start = offset
        while let byte = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { offset += 1 }
        guard offset > start else { throw Malformed() }
    }

    /// A string's text, unescaped; the reader is at its opening quote.
    mutating func string() throws(Malformed) -> String {
        offset += 1
        let start = offset
        while let byte = peek, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") { offset += 1 }
        guard let stop = peek else { throw Malformed() }
        if stop == UInt8(ascii: "\"") {
            offset += 1
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset - 1]), as: UTF8.self)
        }
        var text = Array(bytes[start..<offset])
        while let byte = peek {
            offset += 1
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\"): try escape(into: &text)
            default: text.append(byte)
            }
        }
        throw Malformed()
    }

    /// The escape after a backslash, appended as UTF-8.
    private mutating func escape(into text: inout [UInt8]) throws(Malformed) {
        guard let byte = peek else { throw Malformed() }
        offset += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(byte)
        case UInt8(ascii: "b"): text.append(0x08)
        case UInt8(ascii: "f"): text.append(0x0C)
        case UInt8(ascii: "n"): text.append(0x0A)
        case UInt8(ascii: "r"): text.append(0x0D)
        case UInt8(ascii: "t"): text.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800...0xDBFF).contains(scalar) {
                // A high surrogate makes a scalar only with the low surrogate escaped right after it.
                let low = peekLowSurrogate()
                if let low {
                    offset += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    scalar = 0xFFFD
                }
            } else if (0xDC00...0xDFFF).contains(scalar) {
                scalar = 0xFFFD
            }
            text.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
        default: throw Malformed()
        }
    }

    /// Four hex digits after `\u`.
    private mutating func hex4() throws(Malformed) -> UInt32 {
        guard offset + 4 <= bytes.count, let value = Self.hexValue(bytes[offset..<offset + 4]) else {
            throw Malformed()
        }
        offset += 4
        return value
    }

    /// The low surrogate of a `\uDCxx` escape at the reader, without moving it.
    private func peekLowSurrogate() -> UInt32? {
        guard offset + 6 <= bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u"),
            let value = Self.hexValue(bytes[offset + 2..<offset + 6]), (0xDC00...0xDFFF).contains(value)
        else { return nil }
        return value
    }

    private static func hexValue(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> UInt32? {
        var value: UInt32 = 0
        for byte in digits {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    // MARK: - Punctuation

    private mutating func literal(_ word: StaticString) throws(Malformed) {
        let count = word.utf8CodeUnitCount
        guard offset + count <= bytes.count else { throw Malformed() }
        for index in 0..<count where bytes[offset + index] != word.utf8Start[index] { throw Malformed() }
        offset += count
    }

    mutating func expect(_ symbol: Unicode.Scalar) throws(Malformed) {
        guard peek == UInt8(ascii: symbol) else { throw Malformed() }
        offset += 1
    }

    mutating func skipWhitespace() {
        while let byte = peek, byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\t")
        {
            offset += 1
        }
    }
}

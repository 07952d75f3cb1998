import LumenModel

/// `| json name="a.b[0]"` and `| unpack`: single values of a JSON line, read with the `| json` scanner.
extension JSONFieldReader {
    enum PathValue: Equatable {
        case found(String)
        case absent
        /// The line is not JSON as far as it was read (what Loki's `JSONParserErr` says).
        case malformed
    }

    /// The value at `path`, as Loki's JSON expressions give it: a string unescaped, a number as written, `true`
    /// or `false`, `null` as "", an object or array as its JSON text; the first of duplicate keys. The line must
    /// start with `{`, `[` or `"`, and the value that holds the path must be well formed.
    static func value(at path: JSONPath, in text: String) -> PathValue {
        guard let first = text.utf8.first,
            first == UInt8(ascii: "{") || first == UInt8(ascii: "[") || first == UInt8(ascii: "\"")
        else { return .malformed }
        var text = text
        return text.withUTF8 { bytes in
            var reader = JSONFieldReader(bytes: bytes)
            do {
                return try reader.value(at: path.steps[...], depth: 1).map(PathValue.found) ?? .absent
            } catch {
                return .malformed
            }
        }
    }

    /// `| unpack`: the top-level members whose values are strings, as (key, text), or nil when the line is not
    /// a JSON object.
    static func topLevelStrings(_ text: String) -> [(key: String, value: String)]? {
        var text = text
        return text.withUTF8 { bytes in
            var reader = JSONFieldReader(bytes: bytes)
            var members: [(key: String, value: String)] = []
            do {
                reader.skipWhitespace()
                guard reader.peek == UInt8(ascii: "{") else { return nil }
                try reader.elements(closedBy: "}", depth: 1) { reader throws(Malformed) in
                    guard reader.peek == UInt8(ascii: "\"") else { throw Malformed() }
                    let key = try reader.string()
                    reader.skipWhitespace()
                    try reader.expect(":")
                    reader.skipWhitespace()
                    if reader.peek == UInt8(ascii: "\"") {
                        members.append((key, try reader.string()))
                    } else {
                        _ = try reader.rawValue(depth: 2)
                    }
                }
                return members
            } catch {
                return nil
            }
        }
    }

    /// Follows `steps` from the value at the reader; nil when a step names nothing there.
    private mutating func value(at steps: ArraySlice<JSONPath.Step>, depth: Int) throws(Malformed) -> String? {
        skipWhitespace()
        guard let step = steps.first else {
            return peek == UInt8(ascii: "\"") ? try string() : try rawValue(depth: depth)
        }
        var found: String?
        var searching = true  // the first of duplicate keys counts
        switch (step, peek) {
        case (.key(let wanted), UInt8(ascii: "{")):
            try elements(closedBy: "}", depth: depth) { reader throws(Malformed) in
                guard reader.peek == UInt8(ascii: "\"") else { throw Malformed() }
                let key = try reader.string()
                reader.skipWhitespace()
                try reader.expect(":")
                if searching && key == wanted {
                    found = try reader.value(at: steps.dropFirst(), depth: depth + 1)
                    searching = false
                } else {
                    reader.skipWhitespace()
                    _ = try reader.rawValue(depth: depth + 1)
                }
            }
        case (.index(let wanted), UInt8(ascii: "[")):
            var index = 0
            try elements(closedBy: "]", depth: depth) { reader throws(Malformed) in
                if index == wanted {
                    found = try reader.value(at: steps.dropFirst(), depth: depth + 1)
                } else {
                    _ = try reader.rawValue(depth: depth + 1)
                }
                index += 1
            }
        default:
            _ = peek == UInt8(ascii: "\"") ? try string() : try rawValue(depth: depth)
            return nil
        }
        return found
    }

    /// Skips the value at the reader and returns its JSON text (a scalar's text as `scalar()` reads it).
    private mutating func rawValue(depth: Int) throws(Malformed) -> String {
        let start = offset
        switch peek {
        case UInt8(ascii: "{"):
            let kept = fields.count
            try object(prefix: "", depth: depth)
            fields.removeSubrange(kept...)
        case UInt8(ascii: "["):
            try skipArray(depth: depth)
        default:
            return try scalar()
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
    }
}

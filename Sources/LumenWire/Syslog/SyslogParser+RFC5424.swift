import LumenModel

extension SyslogParser {
    /// `VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP STRUCTURED-DATA [SP MSG]`,
    /// read after `<PRI>1 `. Strict about the header (it is machine-written), lenient about the message.
    enum RFC5424 {
        static func parse(_ cursor: inout SyslogCursor, receivedAt: Int64) throws(WireError) -> SyslogFields {
            var fields = SyslogFields()
            let timestampStart = cursor.position
            if let timestamp = try cursor.headerField("TIMESTAMP") {
                guard let time = SyslogTimestamp.rfc3339(ArraySlice(timestamp.utf8)) else {
                    throw WireError.malformed(
                        "syslog message, byte \(timestampStart): TIMESTAMP \"\(timestamp)\" is not an RFC 3339 "
                            + "time like 2026-11-21T10:00:00.123Z or 2026-11-21T10:00:00+01:00")
                }
                fields.time = time
            }
            fields.hostname = try cursor.headerField("HOSTNAME")
            fields.appName = try cursor.headerField("APP-NAME")
            fields.procID = try cursor.headerField("PROCID")
            fields.msgID = try cursor.headerField("MSGID")
            fields.structuredData = try structuredData(&cursor)
            if !cursor.isAtEnd {
                guard cursor.peek() == UInt8(ascii: " ") else {
                    throw cursor.error("expected a space between STRUCTURED-DATA and MSG")
                }
                cursor.advance()
            }
            fields.message = SyslogParser.message(cursor.rest)
            return fields
        }

        /// `-`, or one or more `[SD-ID PARAM="value" …]` elements; values escape `"`, `\` and `]` with `\`.
        static func structuredData(_ cursor: inout SyslogCursor) throws(WireError) -> [Attribute] {
            if cursor.peek() == UInt8(ascii: "-") {
                cursor.advance()
                return []
            }
            guard cursor.peek() == UInt8(ascii: "[") else {
                throw cursor.error("STRUCTURED-DATA must be \"-\" or start with \"[\"")
            }
            var attributes: [Attribute] = []
            while cursor.peek() == UInt8(ascii: "[") {
                cursor.advance()
                let id = try name(&cursor, what: "SD-ID")
                while cursor.peek() == UInt8(ascii: " ") {
                    cursor.advance()
                    let param = try name(&cursor, what: "PARAM-NAME")
                    guard cursor.peek() == UInt8(ascii: "=") else { throw cursor.error("expected \"=\" after \(param)") }
                    cursor.advance()
                    guard cursor.peek() == UInt8(ascii: "\"") else {
                        throw cursor.error("expected a double-quoted value for \(id).\(param)")
                    }
                    cursor.advance()
                    var value: [UInt8] = []
                    while true {
                        guard let byte = cursor.peek() else { throw cursor.error("unterminated value of \(id).\(param)") }
                        cursor.advance()
                        if byte == UInt8(ascii: "\"") { break }
                        if byte == UInt8(ascii: "\\"), let next = cursor.peek(),
                            next == UInt8(ascii: "\"") || next == UInt8(ascii: "\\") || next == UInt8(ascii: "]")
                        {
                            value.append(next)
                            cursor.advance()
                        } else {
                            value.append(byte)
                        }
                    }
                    let key = "\(id).\(param)"
                    if attributes[key] == nil {
                        attributes.append(Attribute(key, .string(String(decoding: value, as: UTF8.self))))
                    }
                }
                guard cursor.peek() == UInt8(ascii: "]") else { throw cursor.error("expected \"]\" to close [\(id)") }
                cursor.advance()
            }
            return attributes
        }

        /// SD-NAME: 1–32 printable ASCII characters except `=`, space, `]` and `"`.
        private static func name(_ cursor: inout SyslogCursor, what: String) throws(WireError) -> String {
            var bytes: [UInt8] = []
            while let byte = cursor.peek(), byte > 32, byte < 127, byte != UInt8(ascii: "="),
                byte != UInt8(ascii: "]"), byte != UInt8(ascii: "\"")
            {
                bytes.append(byte)
                cursor.advance()
            }
            guard !bytes.isEmpty else { throw cursor.error("\(what) is missing or has an invalid character") }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The free-form message: UTF-8 BOM stripped, invalid UTF-8 replaced, trailing newlines and NULs dropped.
    static func message(_ bytes: ArraySlice<UInt8>) -> String {
        var text = bytes
        if text.starts(with: [0xEF, 0xBB, 0xBF]) { text = text.dropFirst(3) }
        while let last = text.last, last == 0x0A || last == 0x0D || last == 0 { text = text.dropLast() }
        return String(decoding: text, as: UTF8.self)
    }
}

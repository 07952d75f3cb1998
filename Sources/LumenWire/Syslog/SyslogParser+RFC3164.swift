import LumenModel

extension SyslogParser {
    /// BSD syslog, read after `<PRI>`: `Mmm dd hh:mm:ss HOSTNAME TAG[PID]: MSG`. Every part after PRI is
    /// optional in practice, so nothing here fails: what does not fit the shape becomes part of the message.
    /// An RFC 3339 timestamp in place of the BSD one (rsyslog's high-precision format) is accepted too.
    enum RFC3164 {
        static func parse(_ cursor: inout SyslogCursor, receivedAt: Int64) -> SyslogFields {
            var fields = SyslogFields()
            let rest = cursor.rest
            var hasTimestamp = false
            if rest.count >= 15, let time = SyslogTimestamp.bsd(rest.prefix(15), receivedAt: receivedAt),
                rest.count == 15 || rest[rest.startIndex + 15] == UInt8(ascii: " ")
            {
                fields.time = time
                hasTimestamp = true
                cursor.advance(16)
            } else if rest.first?.isDigit == true {
                var probe = cursor
                if let time = SyslogTimestamp.rfc3339(probe.token()) {
                    fields.time = time
                    hasTimestamp = true
                    cursor = probe
                }
            }
            // After a timestamp comes the hostname, unless the next word is already the tag (`user:`).
            if hasTimestamp {
                var probe = cursor
                let word = probe.token()
                if !word.isEmpty, word.last != UInt8(ascii: ":"), !word.contains(UInt8(ascii: "[")), !probe.isAtEnd {
                    fields.hostname = String(decoding: word, as: UTF8.self)
                    cursor = probe
                }
            }
            tag(&cursor, into: &fields)
            fields.message = SyslogParser.message(cursor.rest)
            return fields
        }

        /// `TAG:` or `TAG[PID]:` followed by an optional space; left alone when the text has no such prefix.
        private static func tag(_ cursor: inout SyslogCursor, into fields: inout SyslogFields) {
            var probe = cursor
            var tag: [UInt8] = []
            while let byte = probe.peek(), byte > 32, byte < 127, byte != UInt8(ascii: "["), byte != UInt8(ascii: ":") {
                tag.append(byte)
                probe.advance()
            }
            guard !tag.isEmpty else { return }
            var pid: [UInt8]?
            if probe.peek() == UInt8(ascii: "[") {
                probe.advance()
                var digits: [UInt8] = []
                while let byte = probe.peek(), byte != UInt8(ascii: "]"), byte > 32, byte < 127 {
                    digits.append(byte)
                    probe.advance()
                }
                guard probe.peek() == UInt8(ascii: "]") else { return }
                probe.advance()
                pid = digits
            }
            guard probe.peek() == UInt8(ascii: ":") else { return }
            probe.advance()
            if probe.peek() == UInt8(ascii: " ") { probe.advance() }
            fields.appName = String(decoding: tag, as: UTF8.self)
            if let pid, !pid.isEmpty { fields.procID = String(decoding: pid, as: UTF8.self) }
            cursor = probe
        }
    }
}

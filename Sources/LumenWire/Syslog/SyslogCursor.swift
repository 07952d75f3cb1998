/// A read position in one syslog message; errors name the byte offset, so a sender can find the fault.
struct SyslogCursor {
    let bytes: [UInt8]
    private(set) var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { position >= bytes.count }
    var rest: ArraySlice<UInt8> { bytes[min(position, bytes.count)...] }

    func peek(_ offset: Int = 0) -> UInt8? {
        position + offset < bytes.count ? bytes[position + offset] : nil
    }

    mutating func advance(_ count: Int = 1) { position = min(bytes.count, position + count) }

    func error(_ reason: String) -> WireError {
        .malformed("syslog message, byte \(position): \(reason)")
    }

    /// `<PRI>`: one to three digits, 0–191, no leading zeros except `<0>`.
    mutating func priority() throws(WireError) -> SyslogPriority {
        guard !bytes.isEmpty else { throw error("message is empty") }
        guard peek() == UInt8(ascii: "<") else { throw error("expected \"<PRI>\" at the start of the message") }
        advance()
        var value = 0
        var digits = 0
        while let byte = peek(), byte.isDigit, digits < 3 {
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            digits += 1
            advance()
        }
        guard digits > 0, peek() == UInt8(ascii: ">") else {
            throw error("PRI must be 1 to 3 digits closed by \">\"")
        }
        guard let priority = SyslogPriority(value) else { throw error("PRI \(value) is over 191") }
        advance()
        return priority
    }

    /// The bytes up to the next space (or the end), and the space itself consumed.
    mutating func token() -> ArraySlice<UInt8> {
        let start = position
        while let byte = peek(), byte != UInt8(ascii: " ") { advance() }
        let token = bytes[start..<position]
        if peek() == UInt8(ascii: " ") { advance() }
        return token
    }

    /// A header field of RFC 5424: printable ASCII up to a space; `-` is nil.
    mutating func headerField(_ name: String) throws(WireError) -> String? {
        guard !isAtEnd else { throw error("message ends before \(name)") }
        let start = position
        while let byte = peek(), byte != UInt8(ascii: " ") {
            guard byte > 32, byte < 127 else { throw error("\(name) must be printable ASCII") }
            advance()
        }
        let field = bytes[start..<position]
        guard !field.isEmpty else { throw error("\(name) is empty (use \"-\" for none)") }
        guard peek() == UInt8(ascii: " ") else { throw error("message ends after \(name)") }
        advance()
        return field.elementsEqual([UInt8(ascii: "-")]) ? nil : String(decoding: field, as: UTF8.self)
    }
}

extension UInt8 {
    var isDigit: Bool { self >= 0x30 && self <= 0x39 }
}

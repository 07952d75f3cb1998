/// Splits a template into Go text/template's items: text between actions, and the words inside `{{ }}`.
///
/// Follows `text/template/parse/lex.go`: `{{- ` trims the whitespace before the action and ` -}}` the
/// whitespace after it (the space next to the dash is required, so `{{-3}}` is the number -3); `{{/* … */}}`
/// is a comment; inside an action spaces separate words. Positions are UTF-8 offsets into the source, as Go's
/// `Pos`, so error messages can name line and column the way Go does.
struct TemplateLexer {
    enum Kind: Equatable {
        case text, leftDelim, rightDelim, space, field, variable, identifier, keyword
        case string, rawString, charConstant, number, bool, nilValue, dot
        case declare, assign, pipe, leftParen, rightParen, comma, eof
    }

    struct Item {
        var kind: Kind
        /// The item's source text (for a string, with its quotes).
        var text: String
        var position: Int
    }

    static let keywords: Set<String> = ["if", "else", "end", "range", "with", "define", "template", "block",
                                        "break", "continue"]

    private let bytes: [UInt8]
    private var offset = 0
    private(set) var items: [Item] = []

    init(_ source: String) {
        bytes = Array(source.utf8)
    }

    /// Lexes the whole source, or throws the first error with the line it is on (as Go's lexer reports it).
    static func items(of source: String) throws(TemplateLexError) -> [Item] {
        var lexer = TemplateLexer(source)
        try lexer.run()
        return lexer.items
    }

    private mutating func run() throws(TemplateLexError) {
        var trimNextText = false
        while offset < bytes.count {
            // Text up to the next `{{`.
            let start = offset
            var end = offset
            while end < bytes.count, !(bytes[end] == UInt8(ascii: "{") && end + 1 < bytes.count
                                      && bytes[end + 1] == UInt8(ascii: "{")) {
                end += 1
            }
            var textStart = start
            var textEnd = end
            if trimNextText {
                while textStart < textEnd, Self.isSpace(bytes[textStart]) { textStart += 1 }
                trimNextText = false
            }
            let trimLeft = end + 3 < bytes.count && bytes[end + 2] == UInt8(ascii: "-")
                && Self.isSpace(bytes[end + 3])
            if trimLeft {
                while textEnd > textStart, Self.isSpace(bytes[textEnd - 1]) { textEnd -= 1 }
            }
            if textEnd > textStart {
                emit(.text, from: textStart, to: textEnd)
            }
            offset = end
            if offset >= bytes.count { break }
            trimNextText = try lexAction(trimLeft: trimLeft)
        }
        items.append(Item(kind: .eof, text: "", position: bytes.count))
    }

    /// Lexes one action from its `{{`; returns whether it ended with ` -}}`.
    private mutating func lexAction(trimLeft: Bool) throws(TemplateLexError) -> Bool {
        let delimiterStart = offset
        offset += trimLeft ? 4 : 2
        // A comment fills the whole action.
        if hasPrefix("/*") {
            guard let close = find("*/", from: offset + 2) else { throw error("unclosed comment") }
            offset = close + 2
            if hasPrefix(" -}}") {
                offset += 4
                return true
            }
            guard hasPrefix("}}") else { throw error("comment ends before closing delimiter") }
            offset += 2
            return false
        }
        items.append(Item(kind: .leftDelim, text: "{{", position: delimiterStart))
        var parenDepth = 0
        while true {
            if atTrimmedRightDelimiter {
                if parenDepth > 0 { throw error("unclosed left paren") }
                items.append(Item(kind: .rightDelim, text: "}}", position: offset + 2))
                offset += 4
                return true
            }
            if hasPrefix("}}") {
                if parenDepth > 0 { throw error("unclosed left paren") }
                items.append(Item(kind: .rightDelim, text: "}}", position: offset))
                offset += 2
                return false
            }
            guard offset < bytes.count else { throw error("unclosed action") }
            let byte = bytes[offset]
            let start = offset
            switch byte {
            case _ where Self.isSpace(byte):
                while offset < bytes.count, Self.isSpace(bytes[offset]), !atTrimmedRightDelimiter { offset += 1 }
                items.append(Item(kind: .space, text: " ", position: start))
            case UInt8(ascii: "="):
                offset += 1
                emit(.assign, from: start, to: offset)
            case UInt8(ascii: ":"):
                guard offset + 1 < bytes.count, bytes[offset + 1] == UInt8(ascii: "=") else {
                    throw error("expected :=")
                }
                offset += 2
                emit(.declare, from: start, to: offset)
            case UInt8(ascii: "|"):
                offset += 1
                emit(.pipe, from: start, to: offset)
            case UInt8(ascii: ","):
                offset += 1
                emit(.comma, from: start, to: offset)
            case UInt8(ascii: "("):
                offset += 1
                parenDepth += 1
                emit(.leftParen, from: start, to: offset)
            case UInt8(ascii: ")"):
                offset += 1
                parenDepth -= 1
                if parenDepth < 0 { throw error("unexpected right paren") }
                emit(.rightParen, from: start, to: offset)
            case UInt8(ascii: "\""):
                try lexQuote(terminator: UInt8(ascii: "\""), message: "unterminated quoted string")
                emit(.string, from: start, to: offset)
            case UInt8(ascii: "'"):
                try lexQuote(terminator: UInt8(ascii: "'"), message: "unterminated character constant")
                emit(.charConstant, from: start, to: offset)
            case UInt8(ascii: "`"):
                guard let close = bytes[(offset + 1)...].firstIndex(of: UInt8(ascii: "`")) else {
                    throw error("unterminated raw quoted string")
                }
                offset = close + 1
                emit(.rawString, from: start, to: offset)
            case UInt8(ascii: "$"):
                offset += 1
                scanAlphanumeric()
                emit(.variable, from: start, to: offset)
            case UInt8(ascii: "."):
                if offset + 1 < bytes.count, Self.isDigit(bytes[offset + 1]) {
                    try lexNumber()
                    emit(.number, from: start, to: offset)
                } else {
                    offset += 1
                    if offset < bytes.count, Self.isAlphanumeric(bytes[offset]) {
                        scanAlphanumeric()
                        emit(.field, from: start, to: offset)
                    } else {
                        emit(.dot, from: start, to: offset)
                    }
                }
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                try lexNumber()
                emit(.number, from: start, to: offset)
            case _ where Self.isAlphanumeric(byte):
                scanAlphanumeric()
                let word = String(decoding: bytes[start..<offset], as: UTF8.self)
                // A word directly followed by `.` is a chained field on an identifier; Go lexes that as an
                // error later in the parser, as here.
                switch word {
                case "true", "false": emit(.bool, from: start, to: offset)
                case "nil": emit(.nilValue, from: start, to: offset)
                case _ where Self.keywords.contains(word): emit(.keyword, from: start, to: offset)
                default: emit(.identifier, from: start, to: offset)
                }
            default:
                let scalar = String(decoding: bytes[offset..<min(bytes.count, offset + 4)], as: UTF8.self)
                    .unicodeScalars.first.map { $0.value } ?? UInt32(byte)
                throw error("bad character U+\(String(scalar, radix: 16, uppercase: true).leftPadded(to: 4))")
            }
        }
    }

    private mutating func lexQuote(terminator: UInt8, message: String) throws(TemplateLexError) {
        offset += 1
        while true {
            guard offset < bytes.count, bytes[offset] != UInt8(ascii: "\n") else { throw error(message) }
            if bytes[offset] == UInt8(ascii: "\\") {
                offset += 2
                continue
            }
            if bytes[offset] == terminator {
                offset += 1
                return
            }
            offset += 1
        }
    }

    private mutating func lexNumber() throws(TemplateLexError) {
        let start = offset
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") {
            offset += 1
        }
        while offset < bytes.count {
            let byte = bytes[offset]
            if Self.isAlphanumeric(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") {
                offset += 1
            } else if (byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")), offset > start,
                      [UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "p"), UInt8(ascii: "P")]
                        .contains(bytes[offset - 1]) {
                offset += 1
            } else {
                break
            }
        }
        let text = String(decoding: bytes[start..<offset], as: UTF8.self)
        if TemplateNumber(text) == nil { throw error("bad number syntax: \"\(text)\"") }
    }

    private mutating func scanAlphanumeric() {
        while offset < bytes.count, Self.isAlphanumeric(bytes[offset]) { offset += 1 }
    }

    private mutating func emit(_ kind: Kind, from start: Int, to end: Int) {
        items.append(Item(kind: kind, text: String(decoding: bytes[start..<end], as: UTF8.self), position: start))
    }

    /// A space of any kind followed by `-}}`: the right delimiter that trims the text after it.
    private var atTrimmedRightDelimiter: Bool {
        guard offset + 3 < bytes.count, Self.isSpace(bytes[offset]) else { return false }
        return bytes[offset + 1] == UInt8(ascii: "-") && bytes[offset + 2] == UInt8(ascii: "}")
            && bytes[offset + 3] == UInt8(ascii: "}")
    }

    private func hasPrefix(_ prefix: String) -> Bool {
        let utf8 = Array(prefix.utf8)
        guard offset + utf8.count <= bytes.count else { return false }
        return bytes[offset..<(offset + utf8.count)].elementsEqual(utf8)
    }

    private func find(_ needle: String, from start: Int) -> Int? {
        let utf8 = Array(needle.utf8)
        var index = start
        while index + utf8.count <= bytes.count {
            if bytes[index..<(index + utf8.count)].elementsEqual(utf8) { return index }
            index += 1
        }
        return nil
    }

    private func error(_ message: String) -> TemplateLexError {
        TemplateLexError(message: message, position: offset)
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\n")
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// Letters, digits and `_`, as Go's `isAlphaNumeric`; any non-ASCII byte counts as a letter so that
    /// Unicode identifiers stay whole.
    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || byte == UInt8(ascii: "_") || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
            || byte >= 0x80
    }
}

/// A lexing error, before the parser prefixes it with the template's name.
struct TemplateLexError: Error {
    var message: String
    var position: Int
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

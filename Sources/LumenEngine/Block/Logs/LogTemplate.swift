import LumenModel

/// What a log line's words are to template extraction (`docs/format/logs.md`, "Templated bodies"): the text
/// that repeats from line to line, and the variables that do not.
///
/// A line is cut into words (runs of `[A-Za-z0-9_]`) and the bytes between them. A word without a digit is
/// text, like everything between words. A word with a digit is a variable:
/// - all digits (at most 18): an **integer**, with its count of leading zeros;
/// - lowercase hex with a letter, an even length of 8 to 510: **hex**, kept as its bytes;
/// - one or two runs of digits among letters (`3000ms`, `21T00`): the digits are integers, the letters text;
/// - anything else: a **string**.
enum LogTemplate {
    /// A template's parts as written: `u8` kind, then for text `uvarint length · bytes`, for hex `uvarint bytes`.
    enum Kind: UInt8 {
        case text = 0, integer = 1, hex = 2, string = 3
    }

    static let maxIntegerDigits = 18
    static let minHexDigits = 8
    static let maxHexBytes = 255

    /// Receives a line's template and variables as extraction finds them, in line order.
    protocol Sink {
        mutating func text(_ bytes: UnsafeBufferPointer<UInt8>)
        mutating func integer(_ value: UInt64, zeros: UInt8)
        mutating func hex(_ bytes: UnsafeBufferPointer<UInt8>)
        mutating func string(_ bytes: UnsafeBufferPointer<UInt8>)
    }

    /// Cuts `line` into text and variables, handing each to `sink` in order.
    static func extract(_ line: UnsafeBufferPointer<UInt8>, into sink: inout some Sink) {
        var position = 0
        var textStart = 0
        while position < line.count {
            guard isWordByte(line[position]) else {
                position += 1
                continue
            }
            let start = position
            var digits = 0
            var nonHex = 0
            var digitRuns = 0
            var longestRun = 0
            var run = 0
            while position < line.count, isWordByte(line[position]) {
                let byte = line[position]
                if isDigit(byte) {
                    digits += 1
                    if run == 0 { digitRuns += 1 }
                    run += 1
                    longestRun = max(longestRun, run)
                } else {
                    run = 0
                    if !HexCoding.isLowercaseDigit(byte) { nonHex += 1 }
                }
                position += 1
            }
            guard digits > 0 else { continue }  // a word: text
            let word = UnsafeBufferPointer(rebasing: line[start..<position])
            let length = position - start
            if digits == length, length <= maxIntegerDigits {
                flushText(line, from: &textStart, to: start, into: &sink)
                integer(word, into: &sink)
            } else if nonHex == 0, length.isMultiple(of: 2), length >= minHexDigits, length / 2 <= maxHexBytes {
                flushText(line, from: &textStart, to: start, into: &sink)
                sink.hex(word)
            } else if digitRuns <= 2, longestRun <= maxIntegerDigits {
                // Each run of digits is an integer; the letters around them stay in the text.
                var piece = start
                while piece < position {
                    var end = piece + 1
                    while end < position, isDigit(line[end]) == isDigit(line[piece]) { end += 1 }
                    if isDigit(line[piece]) {
                        flushText(line, from: &textStart, to: piece, into: &sink)
                        integer(UnsafeBufferPointer(rebasing: line[piece..<end]), into: &sink)
                        textStart = end
                    }
                    piece = end
                }
                continue
            } else {
                flushText(line, from: &textStart, to: start, into: &sink)
                sink.string(word)
            }
            textStart = position
        }
        flushText(line, from: &textStart, to: line.count, into: &sink)
    }

    /// Hands the text since the last variable to `sink`, so that text parts never touch: a template is text and
    /// variables in turn.
    private static func flushText(
        _ line: UnsafeBufferPointer<UInt8>, from start: inout Int, to end: Int, into sink: inout some Sink
    ) {
        if end > start { sink.text(UnsafeBufferPointer(rebasing: line[start..<end])) }
        start = end
    }

    private static func integer(_ digits: UnsafeBufferPointer<UInt8>, into sink: inout some Sink) {
        var value: UInt64 = 0
        var zeros: UInt8 = 0
        for (index, digit) in digits.enumerated() {
            if value == 0, digit == UInt8(ascii: "0"), index < digits.count - 1 { zeros += 1 }
            value = value * 10 + UInt64(digit - UInt8(ascii: "0"))
        }
        sink.integer(value, zeros: zeros)
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    @inline(__always)
    static func isWordByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20) &- UInt8(ascii: "a") < 26 || byte == UInt8(ascii: "_")
    }

    /// How many characters `value` takes in decimal.
    @inline(__always)
    static func decimalDigits(_ value: UInt64) -> Int {
        var digits = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        return digits
    }
}

/// Lower-case hexadecimal, the text form of trace and span IDs everywhere in Lumen.
public enum HexCoding {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var utf8: [UInt8] = []
        append(bytes, to: &utf8)
        return String(decoding: utf8, as: UTF8.self)
    }

    /// Appends the hex digits of `bytes` to `utf8`, two a byte.
    public static func append(_ bytes: some Sequence<UInt8>, to utf8: inout [UInt8]) {
        for byte in bytes {
            utf8.append(digits[Int(byte >> 4)])
            utf8.append(digits[Int(byte & 0x0f)])
        }
    }

    /// Whether `char` is one of the digits `encode` writes (`0-9`, `a-f`).
    @inline(__always)
    public static func isLowercaseDigit(_ char: UInt8) -> Bool {
        char &- UInt8(ascii: "0") < 10 || char &- UInt8(ascii: "a") < 6
    }

    /// Decodes an even number of hex digits; `nil` if any character is not a hex digit.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    static func bigEndianBytes(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
    }

    /// The value of one hex digit, either case; nil for any other character.
    public static func nibble(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): char - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
